//! What a supervisor does about a conversation: offer a waiting one to a named agent, reassign one an
//! agent handles, monitor it (read a chat live, listen to a call or coach its agent), whisper to the
//! agent and barge in.

use serde::{Deserialize, Serialize};

use crate::Millis;
use crate::conversation::Channel;
use crate::error::{FieldError, Rule};

crate::string_enum! {
    /// How a supervisor follows a conversation.
    pub enum MonitorMode {
        /// A chat or an email read live; the supervisor may whisper to the agent.
        Read = "read",
        /// A call heard silently: the supervisor's microphone reaches no one.
        Listen = "listen",
        /// A call heard, and the supervisor heard by the agent in control only.
        Coach = "coach",
    }
}

impl MonitorMode {
    /// Whether the mode is for a conversation of `channel`: calls are heard, the rest read.
    pub fn fits(self, channel: Channel) -> bool {
        (channel == Channel::Voice) != (self == MonitorMode::Read)
    }
}

/// `POST /api/supervisor/conversations/{id}/monitor`: start (or switch) monitoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StartMonitoring {
    pub mode: MonitorMode,
}

/// Refuses a mode that does not fit the conversation's channel.
pub fn check_monitoring(request: &StartMonitoring, channel: Channel) -> Result<(), FieldError> {
    if request.mode.fits(channel) { Ok(()) } else { Err(FieldError::new("mode", Rule::NotAnOption)) }
}

/// `POST /api/supervisor/conversations/{id}/offer`: offer a waiting conversation to this agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferToAgent {
    pub user_id: Option<i64>,
}

/// A supervisor's message to the agent of a conversation: the agent sees it, the customer never does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Whisper {
    pub id: i64,
    pub conversation_id: i64,
    pub author_user: i64,
    pub author: String,
    pub body: String,
    pub at: Millis,
}

/// `POST /api/supervisor/conversations/{id}/whispers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewWhisper {
    pub body: String,
}

/// A whisper is a short message: the rules of a chat message.
pub fn validate_whisper(whisper: &NewWhisper) -> Result<&str, FieldError> {
    crate::message::validate_message_body(&whisper.body)
}

/// Who follows a conversation now, as its agent may learn it (only when the queue tells agents).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Monitor {
    pub user_id: i64,
    pub name: String,
    pub mode: MonitorMode,
}

/// A conversation the supervisor monitors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Monitoring {
    pub conversation_id: i64,
    pub mode: MonitorMode,
}

/// `GET /api/conversations/{id}/supervision`: what the desk shows of supervision beside a
/// conversation.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Supervision {
    pub whispers: Vec<Whisper>,
    /// Empty for an agent unless the queue tells its agents they are monitored.
    pub monitors: Vec<Monitor>,
}

/// A conversation waiting in a queue the supervisor oversees (for "offer to…").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaitingConversation {
    pub conversation_id: i64,
    pub queue_id: i64,
    pub channel: Channel,
    pub customer_name: Option<String>,
    /// When it entered the queue: the page ticks from it.
    pub entered_at: Millis,
    /// The agent whose desk rings with it now, if any.
    pub offered_to: Option<i64>,
}

/// At most this many waiting conversations per queue are listed on the board (the count is exact).
pub const WAITING_LISTED: usize = 20;

/// `PUT /api/admin/queues/{id}/monitoring`: whether the queue's agents are told when a supervisor
/// monitors their conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueMonitoring {
    pub announce: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_heard_and_the_rest_read() {
        let check = |mode, channel| check_monitoring(&StartMonitoring { mode }, channel).is_ok();
        assert!(check(MonitorMode::Listen, Channel::Voice));
        assert!(check(MonitorMode::Coach, Channel::Voice));
        assert!(!check(MonitorMode::Read, Channel::Voice));
        assert!(check(MonitorMode::Read, Channel::Chat));
        assert!(check(MonitorMode::Read, Channel::Email));
        assert!(!check(MonitorMode::Listen, Channel::Chat));
        assert!(!check(MonitorMode::Coach, Channel::Email));
    }

    #[test]
    fn a_whisper_follows_the_message_rules() {
        let whisper = |body: &str| NewWhisper { body: body.to_owned() };
        assert_eq!(validate_whisper(&whisper("  Offer the refund  ")), Ok("Offer the refund"));
        assert_eq!(validate_whisper(&whisper("   ")).unwrap_err().field, "body");
    }
}
