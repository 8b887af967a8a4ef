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
    /// Relevance to the customer's latest message; higher is better, 0 means no word in common.
    pub score: f32,
}
