//! An email conversation's thread and the agent's emails.

use hovor_types::email::{Email, EmailThread, SendEmail};

use super::client::{self, ApiError};

pub async fn thread(id: i64) -> Result<EmailThread, ApiError> {
    client::get(&format!("/api/conversations/{id}/emails")).await
}

/// Compose a new email to `to` (a CRM's compose): an outbound email conversation of the agent's.
pub async fn compose(
    to: String,
    subject: Option<String>,
) -> Result<hovor_types::conversation::TaskSummary, ApiError> {
    client::post("/api/emails", &hovor_types::email::ComposeEmail { to, subject }, None).await
}

pub async fn send(id: i64, email: &SendEmail, idempotency_key: &str) -> Result<Email, ApiError> {
    client::post(&format!("/api/conversations/{id}/emails"), email, Some(idempotency_key)).await
}
