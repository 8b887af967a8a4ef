//! Active conversations: the task list row and the conversation summary.

use serde::{Deserialize, Serialize};

use crate::Millis;

crate::string_enum! {
    pub enum Channel {
        Chat = "chat",
        Email = "email",
        Voice = "voice",
    }
}

crate::string_enum! {
    /// Where a conversation stands in its life: going on, or over.
    pub enum ConversationState {
        Active = "active",
        Ended = "ended",
    }
}

/// One row of the agent's task list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskSummary {
    pub id: i64,
    pub channel: Channel,
    /// The linked customer's name; `None` for an unidentified visitor.
    pub customer_name: Option<String>,
    pub queue_name: String,
    pub last_message: Option<String>,
    pub started_at: Millis,
    /// Ended or transferred away: waiting for the agent's wrap-up.
    pub needs_wrap_up: bool,
    pub tags: Vec<crate::session_data::Tag>,
    /// An outbound call placed from the desk that nobody answered yet ("dialling").
    pub dialling: bool,
    /// A chat the agent writes in as a collaborator: its owner ends, transfers and wraps it up.
    #[serde(default)]
    pub collaborating: bool,
    /// The customer's messages the agent has not seen yet.
    #[serde(default)]
    pub unread: u32,
    /// When the customer's oldest message without a reply arrived; `None` once the agent has answered
    /// (or the conversation is over).
    #[serde(default)]
    pub waiting_since: Option<Millis>,
    /// The newest message the figures above count: events about later messages add to them.
    #[serde(default)]
    pub newest_message_id: Option<i64>,
    /// When the agent's part ended (`needs_wrap_up`): the wrap-up's time runs from here.
    #[serde(default)]
    pub wrap_up_since: Option<Millis>,
    /// A callback's call, for the task card (WBX).
    #[serde(default)]
    pub callback: Option<TaskCallback>,
}

/// What the task card of a callback's call shows, and whether its agent may cancel it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskCallback {
    /// Empty when none was given.
    pub reason: String,
    /// The queue allows Cancel while the customer's phone rings ("End call for web callback").
    pub cancellable: bool,
    /// The conversation it was agreed in (a personal callback from a chat, say).
    pub agreed_in: Option<AgreedIn>,
}

/// The interaction a callback was agreed in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgreedIn {
    pub conversation_id: i64,
    pub channel: Channel,
    pub started_at: Millis,
}

/// How long a customer has waited for a reply, as the task list colours it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// Under a minute: in time.
    Fresh,
    /// A minute or more: answer soon.
    Long,
    /// Three minutes or more: the customer may give up.
    Overdue,
}

impl Waiting {
    pub const LONG_AFTER_S: i64 = 60;
    pub const OVERDUE_AFTER_S: i64 = 180;

    pub fn after(seconds: i64) -> Waiting {
        match seconds {
            s if s >= Self::OVERDUE_AFTER_S => Waiting::Overdue,
            s if s >= Self::LONG_AFTER_S => Waiting::Long,
            _ => Waiting::Fresh,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Waiting::Fresh => "fresh",
            Waiting::Long => "long",
            Waiting::Overdue => "overdue",
        }
    }
}

/// The agent has seen the conversation up to this message (theirs or the customer's); without one, up
/// to its newest message.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadUpTo {
    #[serde(default)]
    pub message_id: Option<i64>,
}

/// Set contact, Change contact (a contact id) or Unlink from directory (`None`). Applies to the
/// conversation and its child interactions (replies, transfers, calls and emails started from it).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetContact {
    pub contact_id: Option<i64>,
}

/// Start call / New email from the card: a new outbound interaction to the contact's default phone or
/// email, a child of the conversation it was started from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StartOutbound {
    pub channel: Channel,
}

/// `POST /api/calls`: Dial a number (a CRM's click-to-dial): an outbound call of the agent's from the
/// first of their queues that takes calls, linked to the contact with that phone when there is one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DialNumber {
    /// A phone number, as for a consult to a number.
    pub number: String,
}

impl DialNumber {
    /// The number as dialled, by the rule of a consult to a number (errors on `number`).
    pub fn checked(&self) -> Result<&str, crate::error::FieldError> {
        crate::voice::check_number(&self.number)?;
        Ok(self.number.trim())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyAnswer {
    pub question: String,
    pub answer: String,
}

crate::string_enum! {
    pub enum SelfServiceKind {
        PageVisited = "page_visited",
        SearchPhrase = "search_phrase",
        ArticleViewed = "article_viewed",
        CustomAction = "custom_action",
    }
}

/// What the customer did on the host site before the conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SelfServiceAction {
    pub kind: SelfServiceKind,
    pub detail: String,
    pub at: Millis,
}

/// Every field may be absent: a phone call or an old email knows none of them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct VisitorDetails {
    /// True when the host site vouched for the customer's identity.
    pub authenticated: bool,
    pub browser: Option<String>,
    pub os: Option<String>,
    pub location: Option<String>,
    pub language: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyValue {
    pub key: String,
    pub value: String,
}

/// The conversation summary pane (D365): the facts of routing plus what the customer told us first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationSummary {
    pub id: i64,
    pub channel: Channel,
    pub queue_name: String,
    pub skills: Vec<String>,
    pub started_at: Millis,
    /// Seconds between entering the queue and being assigned to an agent.
    pub wait_seconds: i64,
    pub subject: Option<String>,
    pub pre_chat_survey: Vec<SurveyAnswer>,
    /// Newest first.
    pub self_service: Vec<SelfServiceAction>,
    pub visitor: VisitorDetails,
    pub additional_details: Vec<KeyValue>,
    pub ended: bool,
    /// The operator note of the transfer that brought the conversation to its current agent.
    pub transfer_note: Option<String>,
}

#[cfg(test)]
mod waiting_tests {
    use super::Waiting;

    #[test]
    fn waiting_turns_long_at_a_minute_and_overdue_at_three() {
        assert_eq!(Waiting::after(0), Waiting::Fresh);
        assert_eq!(Waiting::after(59), Waiting::Fresh);
        assert_eq!(Waiting::after(60), Waiting::Long);
        assert_eq!(Waiting::after(179), Waiting::Long);
        assert_eq!(Waiting::after(180), Waiting::Overdue);
        assert_eq!(Waiting::after(-5), Waiting::Fresh);
    }
}
