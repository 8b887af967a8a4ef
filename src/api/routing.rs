//! The agent's state, offers, and the end of their work on a conversation.

use hovor_types::chat::TypingRequest;
use hovor_types::routing::{
    AcceptOffers, AcceptedOffers, AgentState, AgentStatus, IdleReason, Offer, SetStatusRequest,
};
use hovor_types::wrap_up::{
    FocusReport, FocusTime, InteractionRecord, TransferRequest, TransferTargets, WrapUpReason, WrapUpRequest,
};

use super::client::{self, ApiError};

pub async fn status() -> Result<AgentStatus, ApiError> {
    client::get("/api/me/status").await
}

pub async fn set_status(state: AgentState, idle_reason: Option<IdleReason>) -> Result<AgentStatus, ApiError> {
    client::put("/api/me/status", &SetStatusRequest { state, idle_reason }).await
}

pub async fn offers() -> Result<Vec<Offer>, ApiError> {
    client::get("/api/offers").await
}

pub async fn accept(conversation_ids: Vec<i64>) -> Result<AcceptedOffers, ApiError> {
    client::post("/api/offers/accept", &AcceptOffers { conversation_ids }, None).await
}

pub async fn decline(id: i64) -> Result<(), ApiError> {
    client::post_empty(&format!("/api/offers/{id}/decline"), &(), None).await
}

pub async fn end(id: i64) -> Result<(), ApiError> {
    client::post_empty(&format!("/api/conversations/{id}/end"), &(), None).await
}

/// The reasons matching `query` (already checked with `check_reason_query`; `None` for all).
pub async fn wrap_up_reasons(id: i64, query: Option<String>) -> Result<Vec<WrapUpReason>, ApiError> {
    match query {
        Some(q) => {
            let q = String::from(js_sys::encode_uri_component(&q));
            client::get(&format!("/api/conversations/{id}/wrap-up-reasons?query={q}")).await
        }
        None => client::get(&format!("/api/conversations/{id}/wrap-up-reasons")).await,
    }
}

pub async fn wrap_up(id: i64, reason_id: i64) -> Result<(), ApiError> {
    client::post_empty(&format!("/api/conversations/{id}/wrap-up"), &WrapUpRequest { reason_id }, None).await
}

pub async fn typing(id: i64, typing: bool) -> Result<(), ApiError> {
    client::post_empty(&format!("/api/conversations/{id}/typing"), &TypingRequest { typing }, None).await
}

pub async fn focus(id: i64, report: FocusReport) -> Result<FocusTime, ApiError> {
    client::post(&format!("/api/conversations/{id}/focus"), &report, None).await
}

pub async fn interaction(id: i64) -> Result<InteractionRecord, ApiError> {
    client::get(&format!("/api/conversations/{id}/interaction")).await
}

pub async fn transfer_targets(id: i64) -> Result<TransferTargets, ApiError> {
    client::get(&format!("/api/conversations/{id}/transfer-targets")).await
}

pub async fn transfer(id: i64, request: &TransferRequest) -> Result<(), ApiError> {
    client::post_empty(&format!("/api/conversations/{id}/transfer"), request, None).await
}
