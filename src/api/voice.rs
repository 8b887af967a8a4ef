//! A voice conversation's call: the agent's view of it, the control pane's commands, and the desk's
//! audio connection.

use hovor_types::voice::{CallCommand, CallView, SessionDescription};

use super::client::{self, ApiError};

pub async fn call(id: i64) -> Result<CallView, ApiError> {
    client::get(&format!("/api/conversations/{id}/call")).await
}

pub async fn command(id: i64, command: CallCommand) -> Result<CallView, ApiError> {
    client::post(&format!("/api/conversations/{id}/call"), &command, None).await
}

/// The desk's audio connection to the call: POST connects (offer in, answer out), DELETE lets go.
pub fn audio_path(id: i64) -> String {
    format!("/api/conversations/{id}/call/audio")
}

/// Sends the desk's audio offer; the server's answer comes back.
pub async fn audio(id: i64, sdp: String) -> Result<SessionDescription, ApiError> {
    client::post(&audio_path(id), &SessionDescription { sdp }, None).await
}
