//! Cases: the conversation's linked case and the customer's recent ones.

use serde::{Deserialize, Serialize};

use crate::Millis;

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
    pub created_at: Millis,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CasePane {
    pub linked: Option<CaseInfo>,
    /// The customer's other cases, newest first.
    pub recent: Vec<CaseInfo>,
}
