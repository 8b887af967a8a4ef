//! Messages in a conversation, and the rule for what an agent may send.

use serde::{Deserialize, Serialize};

use crate::Millis;
use crate::error::{FieldError, Rule};
use crate::response::UsedResponse;

/// Longest message an agent can send, in characters.
pub const MESSAGE_MAX_CHARS: usize = 4000;

crate::string_enum! {
    pub enum Direction {
        /// From the customer.
        Inbound = "inbound",
        /// From an agent.
        Outbound = "outbound",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendMessageRequest {
    pub body: String,
    /// The standard response the agent's message was written from; ignored from customers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_response: Option<UsedResponse>,
}

/// Checks a message before it is sent: not blank, not longer than [`MESSAGE_MAX_CHARS`].
/// Returns the text to store (surrounding whitespace removed).
pub fn validate_message_body(body: &str) -> Result<&str, FieldError> {
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new("body", Rule::Required));
    }
    if trimmed.chars().count() > MESSAGE_MAX_CHARS {
        return Err(FieldError::new("body", Rule::TooLong { max: MESSAGE_MAX_CHARS }));
    }
    Ok(trimmed)
}

/// An agent's message: as [`validate_message_body`], and no placeholder left unfilled (a customer must
/// never see `{{contact.first_name}}`).
pub fn validate_agent_message(body: &str) -> Result<&str, FieldError> {
    let trimmed = validate_message_body(body)?;
    if crate::placeholder::first_unfilled(trimmed).is_some() {
        return Err(FieldError::new("body", Rule::Unfilled));
    }
    Ok(trimmed)
}

/// The agent's unsent text in a conversation: `GET`/`PUT /api/conversations/{id}/draft`. An empty
/// body removes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Draft {
    pub body: String,
}

/// One of the agent's saved drafts: `GET /api/drafts` lists them all at once when the desk opens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SavedDraft {
    pub conversation_id: i64,
    pub body: String,
}

/// A draft may run past the send limit while the agent edits; this is where storing it stops.
pub const DRAFT_MAX_CHARS: usize = 2 * MESSAGE_MAX_CHARS;

pub fn validate_draft(draft: &Draft) -> Result<(), FieldError> {
    if draft.body.chars().count() > DRAFT_MAX_CHARS {
        return Err(FieldError::new("body", Rule::TooLong { max: DRAFT_MAX_CHARS }));
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    pub id: i64,
    pub conversation_id: i64,
    pub direction: Direction,
    pub author: String,
    pub body: String,
    pub at: Millis,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_message_is_refused() {
        assert_eq!(validate_message_body("  \n ").unwrap_err().rule, Rule::Required);
    }

    #[test]
    fn message_is_trimmed_and_limited_in_characters_not_bytes() {
        assert_eq!(validate_message_body("  Dobrý den \n").unwrap(), "Dobrý den");
        let at_limit = "ž".repeat(MESSAGE_MAX_CHARS);
        assert!(validate_message_body(&at_limit).is_ok());
        let over = "ž".repeat(MESSAGE_MAX_CHARS + 1);
        assert_eq!(validate_message_body(&over).unwrap_err().rule, Rule::TooLong { max: MESSAGE_MAX_CHARS });
    }

    #[test]
    fn an_agent_cannot_send_an_unfilled_placeholder() {
        assert_eq!(validate_agent_message("Hi {{contact.first_name}}").unwrap_err().rule, Rule::Unfilled);
        assert_eq!(validate_agent_message(" Hi Jana ").unwrap(), "Hi Jana");
        assert_eq!(validate_agent_message(" ").unwrap_err().rule, Rule::Required);
    }
}
