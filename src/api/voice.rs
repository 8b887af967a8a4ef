//! A voice conversation's call: the agent's view of it, the control pane's commands, and the desk's
//! audio connection.

use hovor_types::voice::{
    CallCommand, CallValue, CallValueEdit, CallView, ConsultTargets, RecordingInfo, SessionDescription,
};

use super::client::{self, ApiError};

/// Dial a number: an outbound call of the agent's (a CRM's click-to-dial, on the agent's tap).
pub async fn dial(number: String) -> Result<hovor_types::conversation::TaskSummary, ApiError> {
    client::post("/api/calls", &hovor_types::conversation::DialNumber { number }, None).await
}

pub async fn call(id: i64) -> Result<CallView, ApiError> {
    client::get(&format!("/api/conversations/{id}/call")).await
}

pub async fn command(id: i64, command: CallCommand) -> Result<CallView, ApiError> {
    client::post(&format!("/api/conversations/{id}/call"), &command, None).await
}

/// The conversation's call recordings.
pub async fn recordings(id: i64) -> Result<Vec<RecordingInfo>, ApiError> {
    client::get(&format!("/api/conversations/{id}/recordings")).await
}

/// The agents and queues a consult may call now.
pub async fn consult_targets(id: i64) -> Result<ConsultTargets, ApiError> {
    client::get(&format!("/api/conversations/{id}/call/consult-targets")).await
}

/// The desk's audio connection to the call: POST connects (offer in, answer out), DELETE lets go.
pub fn audio_path(id: i64) -> String {
    format!("/api/conversations/{id}/call/audio")
}

/// Sends the desk's audio offer; the server's answer comes back.
pub async fn audio(id: i64, sdp: String) -> Result<SessionDescription, ApiError> {
    client::post(&audio_path(id), &SessionDescription { sdp }, None).await
}

/// The call's data (CAD variables), secure values masked.
pub async fn call_data(id: i64) -> Result<Vec<CallValue>, ApiError> {
    client::get(&format!("/api/conversations/{id}/call-data")).await
}

/// Saves one value on the version it was read at.
pub async fn save_call_value(id: i64, name: &str, value: &str, version: i64) -> Result<CallValue, ApiError> {
    let edit = CallValueEdit { value: value.to_owned(), version };
    client::put(&format!("/api/conversations/{id}/call-data/{name}"), &edit).await
}

/// A secure value in full (the server audits it).
pub async fn reveal_call_value(id: i64, name: &str) -> Result<CallValue, ApiError> {
    client::post(&format!("/api/conversations/{id}/call-data/{name}/reveal"), &(), None).await
}

/// Where a recording's audio plays from (the server checks who may hear it).
pub fn recording_audio_path(recording_id: i64) -> String {
    format!("/api/recordings/{recording_id}/audio")
}
