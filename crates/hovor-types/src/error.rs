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
        /// The request was malformed: bad JSON, a missing field (named in `field`), a bad path or query
        /// value, a bad header.
        BadRequest = "bad_request",
        /// The body is larger than the route accepts (413).
        PayloadTooLarge = "payload_too_large",
        /// The body is not in a content type the route accepts (415).
        UnsupportedMediaType = "unsupported_media_type",
        /// The path exists but not with this method (405).
        MethodNotAllowed = "method_not_allowed",
        /// The request's headers are larger than the server accepts (431).
        HeadersTooLarge = "headers_too_large",
        /// Too many requests from this client or for this account; `retry_after_s` says when to try
        /// again (429).
        RateLimited = "rate_limited",
        /// The queue already holds as many waiting conversations as its administrator allows (429).
        QueueFull = "queue_full",
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
    /// Why a request conflicts with the record's state, so the app can say it in the agent's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// With `rate_limited`: seconds to wait before trying again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_s: Option<u64>,
}

/// An [`ErrorBody`] read without its `conflict` record: all a client needs to tell errors apart. A
/// client that decodes every error with it carries none of the record types' decoding; only the forms
/// that edit records read the conflict, with [`ErrorConflict`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ErrorHead {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub rule: Option<Rule>,
    #[serde(default)]
    pub reason: Option<Reason>,
    #[serde(default)]
    pub retry_after_s: Option<u64>,
}

/// The `conflict` of an [`ErrorBody`], read alone.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ErrorConflict {
    #[serde(default)]
    pub conflict: Option<Box<crate::version::VersionConflict>>,
}

impl ErrorBody {
    /// A body with just a code and its English sentence.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ErrorBody {
        ErrorBody {
            code,
            message: message.into(),
            field: None,
            rule: None,
            conflict: None,
            reason: None,
            retry_after_s: None,
        }
    }
}

crate::string_enum! {
    /// Why a request cannot apply to a record in its current state (409 `conflict`).
    pub enum Reason {
        Ended = "ended",
        NotAssigned = "not_assigned",
        /// Only the agent handling an active conversation may end or transfer it.
        NotHandling = "not_handling",
        NoContact = "no_contact",
        NoDefaultPhone = "no_default_phone",
        NoDefaultEmail = "no_default_email",
        AlreadyWrappedUp = "already_wrapped_up",
        NotEnded = "not_ended",
        AlreadyAnswered = "already_answered",
        Anonymised = "anonymised",
        CategoryNotEmpty = "category_not_empty",
        NoMailbox = "no_mailbox",
        NotEmail = "not_email",
        /// The action is for another channel (invitations for email, collaborators for chat).
        WrongChannel = "wrong_channel",
        NoSmtpRelay = "no_smtp_relay",
        AlreadyInvited = "already_invited",
        InvitationDeclined = "invitation_declined",
        CustomDataChanged = "custom_data_changed",
        NoMerge = "no_merge",
        /// The contact changed after the merge: undoing would overwrite those changes.
        ChangedSinceMerge = "changed_since_merge",
        /// Sign-out while requests are offered to the agent.
        OffersPending = "offers_pending",
        /// The web-chat customer closed the page and did not come back.
        CustomerLeft = "customer_left",
        /// A call on hold cannot be ended (WBX): resume it first.
        CallOnHold = "call_on_hold",
        /// The call does not allow this now (see [`crate::voice::CallRefusal`]).
        CallRefused = "call_refused",
        /// The conversation has no call going on (over, or on a server that restarted).
        NoCall = "no_call",
        /// Sign-out during a call (WBX): the call must end first.
        OnACall = "on_a_call",
        /// A call-associated value the queue does not let agents change.
        NotEditable = "not_editable",
        /// Someone saved the call-associated value first (on the version this save was made on).
        SavedFirst = "saved_first",
        /// The consult's or transfer's target cannot take it now (not an agent of the call's queue,
        /// signed out, or on another call).
        UnsupportedDestination = "unsupported_destination",
        /// A callback's window has started (or it was placed): it can no longer be edited, rescheduled
        /// or deleted (WBX).
        CallbackStarted = "callback_started",
        /// As many outbound calls as the installation allows are going on (WBX: the tenant's limit of
        /// concurrent calls): no more are placed until one ends.
        CallLimitReached = "call_limit_reached",
        /// The conversation is no longer waiting in its queue (an agent took it, or it ended).
        NotWaiting = "not_waiting",
        /// Dial a number: none of the agent's queues takes calls.
        NoCallingQueue = "no_calling_queue",
    }
}

impl Reason {
    /// The English sentence sent beside the reason (for logs and API clients; the app translates).
    pub fn sentence(self) -> &'static str {
        match self {
            Reason::Ended => "The conversation has ended.",
            Reason::NotAssigned => "This conversation is not assigned to you.",
            Reason::NotHandling => "Only the agent handling an active conversation can do this.",
            Reason::NoContact => "The conversation has no contact.",
            Reason::NoDefaultPhone => "The contact has no default phone number.",
            Reason::NoDefaultEmail => "The contact has no default email address.",
            Reason::AlreadyWrappedUp => "The wrap-up of this conversation was already submitted.",
            Reason::NotEnded => "End the conversation before its wrap-up.",
            Reason::AlreadyAnswered => "This survey was already answered.",
            Reason::Anonymised => "This interaction was anonymised.",
            Reason::CategoryNotEmpty => "Only an empty category can be deleted.",
            Reason::NoMailbox => "The conversation's queue has no mailbox to send from.",
            Reason::NotEmail => "This conversation is not an email.",
            Reason::WrongChannel => "This action is not for this conversation's channel.",
            Reason::NoSmtpRelay => "Email cannot be sent: no SMTP relay is configured.",
            Reason::AlreadyInvited => "This colleague is already invited.",
            Reason::InvitationDeclined => "This invitation was declined.",
            Reason::CustomDataChanged => "Someone else changed the custom data; reload to see it.",
            Reason::NoMerge => "There is no merge to undo.",
            Reason::ChangedSinceMerge => {
                "The contact changed after the merge; undoing would overwrite those changes."
            }
            Reason::OffersPending => "Accept or decline the requests on screen before signing out.",
            Reason::CustomerLeft => "The customer has left.",
            Reason::CallOnHold => "The call is on hold: resume it before ending it.",
            Reason::CallRefused => "The call does not allow this now.",
            Reason::NoCall => "There is no call going on in this conversation.",
            Reason::UnsupportedDestination => "Unsupported destination: it cannot take the call now.",
            Reason::OnACall => "End the call before signing out.",
            Reason::NotEditable => "This value cannot be changed on this queue.",
            Reason::SavedFirst => "Someone else saved this value first.",
            Reason::CallbackStarted => "The callback's window has started: it can no longer be changed.",
            Reason::CallLimitReached => {
                "The limit of concurrent outbound calls is reached: try again when a call ends."
            }
            Reason::NotWaiting => "The conversation is no longer waiting in its queue.",
            Reason::NoCallingQueue => "None of your queues takes calls.",
        }
    }
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
/// Read through `RuleWire`: the same JSON, without serde's buffering of internally tagged enums,
/// which cost the app's start several kilobytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "RuleWire")]
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
    /// A number below the smallest allowed.
    TooSmall {
        min: usize,
    },
    /// A number above the largest allowed.
    TooLarge {
        max: usize,
    },
    /// Already used by another record (a response shortcut in the same language).
    Taken,
    /// Still holds a placeholder such as `{{contact.first_name}}` that nothing filled.
    Unfilled,
    /// A time earlier than `minutes` from now (a callback's window).
    TooSoon {
        minutes: u32,
    },
    /// A date more than `days` ahead.
    TooLate {
        days: u32,
    },
    /// An end that is not after its start.
    EndsBeforeStart,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum RuleKind {
    Required,
    TooLong,
    Malformed,
    TooShort,
    NotAnOption,
    TooSmall,
    TooLarge,
    Taken,
    Unfilled,
    TooSoon,
    TooLate,
    EndsBeforeStart,
}

/// A `Rule` as it arrives: its kind and whichever bound that kind carries.
#[derive(Deserialize)]
struct RuleWire {
    kind: RuleKind,
    max: Option<usize>,
    min: Option<usize>,
    minutes: Option<u32>,
    days: Option<u32>,
}

impl TryFrom<RuleWire> for Rule {
    type Error = &'static str;

    fn try_from(wire: RuleWire) -> Result<Rule, &'static str> {
        let bound = |value: Option<usize>, name| value.ok_or(name);
        Ok(match wire.kind {
            RuleKind::Required => Rule::Required,
            RuleKind::TooLong => Rule::TooLong { max: bound(wire.max, "missing field `max`")? },
            RuleKind::Malformed => Rule::Malformed,
            RuleKind::TooShort => Rule::TooShort { min: bound(wire.min, "missing field `min`")? },
            RuleKind::NotAnOption => Rule::NotAnOption,
            RuleKind::TooSmall => Rule::TooSmall { min: bound(wire.min, "missing field `min`")? },
            RuleKind::TooLarge => Rule::TooLarge { max: bound(wire.max, "missing field `max`")? },
            RuleKind::Taken => Rule::Taken,
            RuleKind::Unfilled => Rule::Unfilled,
            RuleKind::TooSoon => Rule::TooSoon { minutes: wire.minutes.ok_or("missing field `minutes`")? },
            RuleKind::TooLate => Rule::TooLate { days: wire.days.ok_or("missing field `days`")? },
            RuleKind::EndsBeforeStart => Rule::EndsBeforeStart,
        })
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.rule {
            Rule::Required => write!(f, "{} is required", self.field),
            Rule::TooLong { max } => write!(f, "{} is longer than {max} characters", self.field),
            Rule::Malformed => write!(f, "{} is not in the expected form", self.field),
            Rule::TooShort { min } => write!(f, "{} needs at least {min} characters", self.field),
            Rule::NotAnOption => write!(f, "{} is not one of the offered choices", self.field),
            Rule::TooSmall { min } => write!(f, "{} is smaller than {min}", self.field),
            Rule::TooLarge { max } => write!(f, "{} is larger than {max}", self.field),
            Rule::Taken => write!(f, "{} is already used", self.field),
            Rule::Unfilled => write!(f, "{} still has a placeholder to fill in", self.field),
            Rule::TooSoon { minutes } => {
                write!(f, "{} must be at least {minutes} minutes from now", self.field)
            }
            Rule::TooLate { days } => write!(f, "{} must be at most {days} days from now", self.field),
            Rule::EndsBeforeStart => write!(f, "{} must be after the start", self.field),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_reads_back_as_written_and_a_missing_bound_is_refused() {
        let rules = [
            Rule::Required,
            Rule::TooLong { max: 256 },
            Rule::Malformed,
            Rule::TooShort { min: 2 },
            Rule::NotAnOption,
            Rule::TooSmall { min: 1 },
            Rule::TooLarge { max: 8 },
            Rule::Taken,
            Rule::Unfilled,
            Rule::TooSoon { minutes: 15 },
            Rule::TooLate { days: 30 },
            Rule::EndsBeforeStart,
        ];
        for rule in rules {
            let json = serde_json::to_string(&rule).unwrap();
            assert_eq!(serde_json::from_str::<Rule>(&json).unwrap(), rule, "{json}");
        }
        assert_eq!(
            serde_json::to_string(&Rule::TooLong { max: 3 }).unwrap(),
            r#"{"kind":"too_long","max":3}"#
        );
        assert!(serde_json::from_str::<Rule>(r#"{"kind":"too_long"}"#).is_err());
        assert!(serde_json::from_str::<Rule>(r#"{"kind":"too_wide"}"#).is_err());
    }
    use crate::session_data::OperatorNote;
    use crate::version::{CurrentRecord, VersionConflict};

    #[test]
    fn an_error_reads_the_same_as_head_and_conflict_apart() {
        let note = OperatorNote { body: "Call back".into(), by: Some("Eva".into()), at: Some(5), version: 3 };
        let mut body = ErrorBody::new(ErrorCode::VersionConflict, "Someone else saved this record first.");
        body.field = Some("body".into());
        body.rule = Some(Rule::TooLong { max: 5 });
        body.reason = Some(Reason::Ended);
        body.retry_after_s = Some(7);
        body.conflict = Some(Box::new(VersionConflict {
            changed_by: "Eva".into(),
            changed_at: 5,
            current: CurrentRecord::OperatorNote(note),
        }));
        let json = serde_json::to_string(&body).unwrap();
        let head: ErrorHead = serde_json::from_str(&json).unwrap();
        assert_eq!(
            head,
            ErrorHead {
                code: body.code,
                message: body.message.clone(),
                field: body.field.clone(),
                rule: body.rule,
                reason: body.reason,
                retry_after_s: body.retry_after_s,
            }
        );
        let conflict: ErrorConflict = serde_json::from_str(&json).unwrap();
        assert_eq!(conflict.conflict, body.conflict);
    }
}
