//! The audit trail: who changed which field of a record, when, from what to what.

use serde::{Deserialize, Serialize};

use crate::Millis;

crate::string_enum! {
    pub enum AuditedRecord {
        Contact = "contact",
        Account = "account",
        Case = "case",
        Conversation = "conversation",
        Response = "response",
        ResponseCategory = "response_category",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    /// The field, or the detail ("phone", "email", "identifier:Customer number") that changed.
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub by: String,
    pub at: Millis,
}
