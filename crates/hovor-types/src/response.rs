//! Standard responses as the auto-suggestions pane shows them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuggestedResponse {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub category: String,
    pub language: String,
    pub shortcut: Option<String>,
    /// Relevance to the customer's latest message in thousandths of a BM25 point; higher is better,
    /// 0 means no word in common. An integer, so clients need no float parsing.
    pub relevance: u32,
}
