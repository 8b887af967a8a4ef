//! The typed error body every failing API call answers with.

use serde::{Deserialize, Serialize};

crate::string_enum! {
    /// A machine-readable reason; `message` carries the human one.
    pub enum ErrorCode {
        /// No session, or the session expired.
        Unauthenticated = "unauthenticated",
        /// Sign-in with an unknown user name or a wrong password.
        InvalidCredentials = "invalid_credentials",
        /// The caller's role does not allow this (e.g. configuration is for administrators).
        Forbidden = "forbidden",
        /// The record does not exist or is not visible to the caller.
        NotFound = "not_found",
        /// A field broke a rule; `field` names it.
        Validation = "validation",
        /// The request cannot apply to the record in its current state (e.g. the conversation ended).
        Conflict = "conflict",
        /// The record changed since the caller read it; `conflict` carries it as it is now.
        VersionConflict = "version_conflict",
        /// The request was malformed (bad JSON, bad query).
        BadRequest = "bad_request",
        /// Something failed on the server; details are in its log, never here.
        Internal = "internal",
    }
}

/// `{code, message}`, plus the offending field for validation errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The rule the field broke, so the app can say it in the agent's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<Rule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<Box<crate::version::VersionConflict>>,
}

/// A broken rule: which field, and why. Both the form and the handler produce it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The input's name; survey answers are named `answers.<question id>`.
    pub field: std::borrow::Cow<'static, str>,
    pub rule: Rule,
}

impl FieldError {
    pub fn new(field: &'static str, rule: Rule) -> FieldError {
        FieldError { field: std::borrow::Cow::Borrowed(field), rule }
    }
}

/// The rules a field can break; the app maps each to a translated sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rule {
    Required,
    TooLong {
        max: usize,
    },
    /// Present but not in the expected form (an email address without `@`).
    Malformed,
    /// Shorter than allowed (a search that needs at least `min` characters).
    TooShort {
        min: usize,
    },
    /// Not one of the values offered.
    NotAnOption,
    /// A number above the largest allowed.
    TooLarge {
        max: usize,
    },
    /// Already used by another record (a response shortcut in the same language).
    Taken,
    /// Still holds a placeholder such as `{{contact.first_name}}` that nothing filled.
    Unfilled,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.rule {
            Rule::Required => write!(f, "{} is required", self.field),
            Rule::TooLong { max } => write!(f, "{} is longer than {max} characters", self.field),
            Rule::Malformed => write!(f, "{} is not in the expected form", self.field),
            Rule::TooShort { min } => write!(f, "{} needs at least {min} characters", self.field),
            Rule::NotAnOption => write!(f, "{} is not one of the offered choices", self.field),
            Rule::TooLarge { max } => write!(f, "{} is larger than {max}", self.field),
            Rule::Taken => write!(f, "{} is already used", self.field),
            Rule::Unfilled => write!(f, "{} still has a placeholder to fill in", self.field),
        }
    }
}
