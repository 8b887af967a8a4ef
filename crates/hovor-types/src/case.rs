//! Cases: the conversation's linked case and the customer's recent ones.

use serde::{Deserialize, Serialize};

use crate::Millis;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    New,
    Open,
    Pending,
    Resolved,
    Closed,
}

macro_rules! str_enum {
    ($ty:ident { $($variant:ident => $s:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $s),+ }
            }
            pub fn parse(s: &str) -> Option<$ty> {
                match s { $($s => Some($ty::$variant),)+ _ => None }
            }
        }
    };
}

str_enum!(Priority { Low => "low", Normal => "normal", High => "high", Urgent => "urgent" });
str_enum!(CaseStatus {
    New => "new",
    Open => "open",
    Pending => "pending",
    Resolved => "resolved",
    Closed => "closed",
});

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
