//! The supervisor page's board, what a supervisor does to an agent and about a conversation, and the
//! supervision the desk shows beside a conversation.

use hovor_types::routing::{AgentState, AgentStatus, IdleReason, SetStatusRequest};
use hovor_types::supervisor::{
    MonitorMode, NewWhisper, OfferToAgent, StartMonitoring, Supervision, SupervisorBoard, Whisper,
};
use hovor_types::wrap_up::TransferRequest;

use super::client::{self, ApiError};

/// The board, "today" counted from `today_from` (the browser's local midnight).
pub async fn board(today_from: i64) -> Result<SupervisorBoard, ApiError> {
    client::get(&format!("/api/supervisor/board?today_from={today_from}")).await
}

pub async fn set_status(
    agent: i64,
    state: AgentState,
    idle_reason: Option<IdleReason>,
) -> Result<AgentStatus, ApiError> {
    client::put(&format!("/api/supervisor/agents/{agent}/status"), &SetStatusRequest { state, idle_reason })
        .await
}

pub async fn sign_out(agent: i64) -> Result<(), ApiError> {
    client::post_empty(&format!("/api/supervisor/agents/{agent}/sign-out"), &(), None).await
}

/// Offers a waiting conversation to a named agent.
pub async fn offer(conversation: i64, agent: i64) -> Result<(), ApiError> {
    let body = OfferToAgent { user_id: Some(agent) };
    client::post_empty(&format!("/api/supervisor/conversations/{conversation}/offer"), &body, None).await
}

pub async fn reassign(conversation: i64, request: &TransferRequest) -> Result<(), ApiError> {
    client::post_empty(&format!("/api/supervisor/conversations/{conversation}/reassign"), request, None).await
}

pub async fn monitor(conversation: i64, mode: MonitorMode) -> Result<(), ApiError> {
    let body = StartMonitoring { mode };
    client::post_empty(&format!("/api/supervisor/conversations/{conversation}/monitor"), &body, None).await
}

pub async fn stop_monitoring(conversation: i64) -> Result<(), ApiError> {
    client::delete(&format!("/api/supervisor/conversations/{conversation}/monitor")).await
}

pub async fn whisper(conversation: i64, body: String) -> Result<Whisper, ApiError> {
    client::post(
        &format!("/api/supervisor/conversations/{conversation}/whispers"),
        &NewWhisper { body },
        None,
    )
    .await
}

pub async fn barge_in(conversation: i64) -> Result<(), ApiError> {
    client::post_empty(&format!("/api/supervisor/conversations/{conversation}/barge-in"), &(), None).await
}

/// What the desk shows of supervision beside a conversation: whispers, and who monitors it.
pub async fn supervision(conversation: i64) -> Result<Supervision, ApiError> {
    client::get(&format!("/api/conversations/{conversation}/supervision")).await
}
