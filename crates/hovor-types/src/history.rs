//! The History tab: every interaction of a contact across channels, and one opened in place.

use serde::{Deserialize, Serialize};

use crate::Millis;
use crate::conversation::{Channel, KeyValue, SurveyAnswer};
use crate::feedback::FeedbackAnswer;
use crate::message::{Direction, Message};
use crate::response::SuggestedResponse;
use crate::session_data::Tag;

/// Interactions per history page.
pub const HISTORY_PAGE: u32 = 10;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryItem {
    pub conversation_id: i64,
    pub channel: Channel,
    /// Who started it: the customer (inbound) or an agent (outbound).
    pub direction: Direction,
    pub started_at: Millis,
    pub ended_at: Option<Millis>,
    pub queue_name: String,
    pub agent_name: Option<String>,
    pub subject: Option<String>,
    /// The first customer message, shortened.
    pub preview: Option<String>,
    pub survey: Vec<SurveyAnswer>,
    /// What the customer said in the post-chat survey.
    #[serde(default)]
    pub feedback: Vec<FeedbackAnswer>,
    pub tags: Vec<Tag>,
    /// Callbacks agreed with the customer in this interaction.
    #[serde(default)]
    pub callbacks_agreed: u32,
    /// This interaction is a callback's call.
    #[serde(default)]
    pub callback_call: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryPage {
    pub items: Vec<HistoryItem>,
    /// Zero-based.
    pub page: u32,
    pub has_next: bool,
}

/// An email's own details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailDetails {
    pub from: String,
    pub cc: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InteractionDetails {
    pub channel: Channel,
    /// "active" or "ended".
    pub status: String,
    pub subject: Option<String>,
    pub contact_name: Option<String>,
    pub queue_name: String,
    pub agent_name: Option<String>,
    pub started_at: Millis,
    pub ended_at: Option<Millis>,
    pub email: Option<EmailDetails>,
}

/// A note written on a record or a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Note {
    pub id: i64,
    pub body: String,
    pub by: String,
    pub at: Millis,
}

/// A past interaction opened from the History tab: its transcript and the four tabs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Transcript {
    pub conversation_id: i64,
    pub details: InteractionDetails,
    pub messages: Vec<Message>,
    pub suggestions: Vec<SuggestedResponse>,
    /// The operator note first, then the quick notes written during it.
    pub notes: Vec<Note>,
    /// Absent for campaign interactions.
    pub attached_data: Option<Vec<KeyValue>>,
    /// A call's recordings, played in place.
    #[serde(default)]
    pub recordings: Vec<crate::voice::RecordingInfo>,
}
