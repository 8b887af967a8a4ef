//! The supervisor page's board and what a supervisor does to an agent.

use hovor_types::routing::{AgentState, AgentStatus, IdleReason, SetStatusRequest};
use hovor_types::supervisor::SupervisorBoard;

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
