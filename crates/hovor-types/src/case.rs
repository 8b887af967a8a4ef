//! Cases: the conversation's linked case and the customer's recent ones.

use serde::{Deserialize, Serialize};

use crate::Millis;
use crate::error::FieldError;
use crate::validate;

pub const CASE_TITLE_MAX: usize = 200;
pub const CASE_DESCRIPTION_MAX: usize = 4000;

crate::string_enum! {
    pub enum Priority {
        Low = "low",
        Normal = "normal",
        High = "high",
        Urgent = "urgent",
    }
}

crate::string_enum! {
    pub enum CaseStatus {
        New = "new",
        Open = "open",
        Pending = "pending",
        Resolved = "resolved",
        Closed = "closed",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseInfo {
    pub id: i64,
    /// Human case number, e.g. "CAS-01042".
    pub number: String,
    pub title: String,
    pub priority: Priority,
    pub status: CaseStatus,
    pub description: String,
    pub contact_id: Option<i64>,
    pub version: i64,
    pub created_at: Millis,
}

/// Add case (version ignored) and inline edit (version required).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseFields {
    pub version: Option<i64>,
    pub title: String,
    pub priority: Priority,
    pub status: CaseStatus,
    pub description: String,
    /// Add case from a conversation: link the new case to it (and to its contact).
    #[serde(default)]
    pub link_conversation: Option<i64>,
}

pub fn validate_case(c: &CaseFields) -> Result<(), FieldError> {
    validate::text("title", &c.title, true, CASE_TITLE_MAX)?;
    validate::text("description", &c.description, false, CASE_DESCRIPTION_MAX)?;
    Ok(())
}

/// Link a case to the conversation, or unlink it with `None`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkCase {
    pub case_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CasePane {
    pub linked: Option<CaseInfo>,
    /// The customer's other cases, newest first.
    pub recent: Vec<CaseInfo>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Rule;

    #[test]
    fn a_case_needs_a_title_within_limits() {
        let case = CaseFields {
            version: Some(2),
            title: "Refund".into(),
            priority: Priority::High,
            status: CaseStatus::Open,
            description: String::new(),
            link_conversation: None,
        };
        assert!(validate_case(&case).is_ok());
        let untitled = CaseFields { title: " ".into(), ..case.clone() };
        assert_eq!(validate_case(&untitled).unwrap_err().rule, Rule::Required);
        let long = CaseFields { description: "x".repeat(CASE_DESCRIPTION_MAX + 1), ..case };
        assert_eq!(validate_case(&long).unwrap_err().field, "description");
    }
}
