//! A queue's settings as an administrator edits them: recording, call-associated variables,
//! callbacks, whether its agents are told they are monitored, and its post-chat survey.

use hovor_types::callback::QueueCallbacks;
use hovor_types::feedback::{FeedbackQuestion, QueueFeedback};
use hovor_types::supervisor::QueueMonitoring;
use hovor_types::voice::{AdminQueue, CallVariable, QueueCallVariables, QueueRecording};

use super::client::{self, ApiError};

pub async fn queues() -> Result<Vec<AdminQueue>, ApiError> {
    client::get("/api/admin/queues").await
}

pub async fn recording(queue_id: i64) -> Result<QueueRecording, ApiError> {
    client::get(&format!("/api/admin/queues/{queue_id}/recording")).await
}

pub async fn save_recording(queue_id: i64, recording: &QueueRecording) -> Result<QueueRecording, ApiError> {
    client::put(&format!("/api/admin/queues/{queue_id}/recording"), recording).await
}

pub async fn variables(queue_id: i64) -> Result<Vec<CallVariable>, ApiError> {
    let set: QueueCallVariables =
        client::get(&format!("/api/admin/queues/{queue_id}/call-variables")).await?;
    Ok(set.variables)
}

pub async fn save_variables(
    queue_id: i64,
    variables: Vec<CallVariable>,
) -> Result<Vec<CallVariable>, ApiError> {
    let path = format!("/api/admin/queues/{queue_id}/call-variables");
    let saved: QueueCallVariables = client::put(&path, &QueueCallVariables { variables }).await?;
    Ok(saved.variables)
}

pub async fn callbacks(queue_id: i64) -> Result<QueueCallbacks, ApiError> {
    client::get(&format!("/api/admin/queues/{queue_id}/callbacks")).await
}

pub async fn save_callbacks(queue_id: i64, settings: &QueueCallbacks) -> Result<QueueCallbacks, ApiError> {
    client::put(&format!("/api/admin/queues/{queue_id}/callbacks"), settings).await
}

pub async fn monitoring(queue_id: i64) -> Result<QueueMonitoring, ApiError> {
    client::get(&format!("/api/admin/queues/{queue_id}/monitoring")).await
}

pub async fn save_monitoring(
    queue_id: i64,
    monitoring: &QueueMonitoring,
) -> Result<QueueMonitoring, ApiError> {
    client::put(&format!("/api/admin/queues/{queue_id}/monitoring"), monitoring).await
}

pub async fn feedback(queue_id: i64) -> Result<Vec<FeedbackQuestion>, ApiError> {
    let set: QueueFeedback = client::get(&format!("/api/admin/queues/{queue_id}/feedback")).await?;
    Ok(set.questions)
}

pub async fn save_feedback(
    queue_id: i64,
    questions: Vec<FeedbackQuestion>,
) -> Result<Vec<FeedbackQuestion>, ApiError> {
    let path = format!("/api/admin/queues/{queue_id}/feedback");
    let saved: QueueFeedback = client::put(&path, &QueueFeedback { questions }).await?;
    Ok(saved.questions)
}
