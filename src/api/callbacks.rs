//! Callbacks as the desk schedules and manages them, for the open conversation's customer (or, from the
//! task list's "+", for no conversation).

use hovor_types::callback::{Callback, CallbackChoices, CallbackRequest, Reschedule};

use super::client::{self, ApiError};

/// `?conversation_id=…`, or nothing.
fn for_conversation(conversation_id: Option<i64>) -> String {
    conversation_id.map(|id| format!("?conversation_id={id}")).unwrap_or_default()
}

pub async fn choices(conversation_id: Option<i64>) -> Result<CallbackChoices, ApiError> {
    client::get(&format!("/api/callbacks/choices{}", for_conversation(conversation_id))).await
}

/// The conversation's customer's callbacks and the agent's own personal ones.
pub async fn list(conversation_id: Option<i64>) -> Result<Vec<Callback>, ApiError> {
    client::get(&format!("/api/callbacks{}", for_conversation(conversation_id))).await
}

/// Cancel on a callback's call while the customer's phone rings (where the queue allows it).
pub async fn cancel_call(conversation_id: i64) -> Result<(), ApiError> {
    client::post_empty(&format!("/api/conversations/{conversation_id}/callback/cancel"), &(), None).await
}

pub async fn create(request: &CallbackRequest) -> Result<Callback, ApiError> {
    client::post("/api/callbacks", request, None).await
}

pub async fn edit(id: i64, request: &CallbackRequest) -> Result<Callback, ApiError> {
    client::put(&format!("/api/callbacks/{id}"), request).await
}

pub async fn reschedule(id: i64, to: &Reschedule) -> Result<Callback, ApiError> {
    client::post(&format!("/api/callbacks/{id}/reschedule"), to, None).await
}

pub async fn delete(id: i64) -> Result<(), ApiError> {
    client::delete(&format!("/api/callbacks/{id}")).await
}
