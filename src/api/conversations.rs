//! The Active Conversation's resources.

use hovor_types::case::CasePane;
use hovor_types::conversation::{Channel, ConversationSummary, TaskSummary};
use hovor_types::customer::CustomerCard;
use hovor_types::message::{Draft, Message, SavedDraft, SendMessageRequest};
use hovor_types::response::SuggestedResponse;
use hovor_types::timeline::{RelatedRecord, TimelineCursor, TimelinePage};

use super::client::{self, ApiError, Encoded};

pub async fn tasks() -> Result<Vec<TaskSummary>, ApiError> {
    client::get("/api/tasks").await
}

// The summary, the customer and the cases are drawn in the `panes` chunk and decoded there.
pub async fn summary(id: i64) -> Result<Encoded<ConversationSummary>, ApiError> {
    client::get_encoded(&format!("/api/conversations/{id}")).await
}

/// Only the channel of a conversation (its summary read for that one field).
pub async fn channel(id: i64) -> Result<Channel, ApiError> {
    #[derive(serde::Deserialize)]
    struct Kind {
        channel: Channel,
    }
    client::get::<Kind>(&format!("/api/conversations/{id}")).await.map(|k| k.channel)
}

pub async fn customer(id: i64) -> Result<Encoded<CustomerCard>, ApiError> {
    client::get_encoded(&format!("/api/conversations/{id}/customer")).await
}

pub async fn cases(id: i64) -> Result<Encoded<CasePane>, ApiError> {
    client::get_encoded(&format!("/api/conversations/{id}/cases")).await
}

pub async fn suggestions(id: i64) -> Result<Vec<SuggestedResponse>, ApiError> {
    client::get(&format!("/api/conversations/{id}/suggestions")).await
}

/// A timeline page of the chosen related record (the server's default when `None`).
pub async fn timeline(
    id: i64,
    record: Option<RelatedRecord>,
    before: Option<TimelineCursor>,
) -> Result<TimelinePage, ApiError> {
    let mut path = format!("/api/conversations/{id}/timeline?");
    if let Some(record) = record {
        path.push_str(&format!("record={}&", record.as_str()));
    }
    if let Some(c) = before {
        path.push_str(&format!("before_at={}&before_key={}", c.before_at, c.before_key));
    }
    client::get(&path).await
}

pub async fn send_message(
    id: i64,
    request: &SendMessageRequest,
    idempotency_key: &str,
) -> Result<Message, ApiError> {
    client::post(&format!("/api/conversations/{id}/messages"), request, Some(idempotency_key)).await
}

pub async fn drafts() -> Result<Vec<SavedDraft>, ApiError> {
    client::get("/api/drafts").await
}

/// The agent has seen the conversation up to `message_id` (`None`: its newest message).
pub async fn mark_read(id: i64, message_id: Option<i64>) -> Result<(), ApiError> {
    client::put_empty(
        &format!("/api/conversations/{id}/read"),
        &hovor_types::conversation::ReadUpTo { message_id },
    )
    .await
}

pub async fn save_draft(id: i64, body: String) -> Result<(), ApiError> {
    client::put_empty(&format!("/api/conversations/{id}/draft"), &Draft { body }).await
}
