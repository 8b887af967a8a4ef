//! Callbacks as the desk schedules and manages them, for the open conversation's customer.

use hovor_types::callback::{Callback, CallbackChoices, CallbackRequest, Reschedule};

use super::client::{self, ApiError};

pub async fn choices(conversation_id: i64) -> Result<CallbackChoices, ApiError> {
    client::get(&format!("/api/callbacks/choices?conversation_id={conversation_id}")).await
}

/// The conversation's customer's callbacks and the agent's own personal ones.
pub async fn list(conversation_id: i64) -> Result<Vec<Callback>, ApiError> {
    client::get(&format!("/api/callbacks?conversation_id={conversation_id}")).await
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
