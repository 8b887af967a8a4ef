//! Events the server pushes over `GET /api/events` (server-sent events). Every change is stored with its
//! event in one transaction, so a client that reconnects with the last id it saw misses nothing.

use serde::{Deserialize, Serialize};

use crate::Millis;
use crate::chat::ConversationStatus;
use crate::message::Message;
use crate::routing::{AgentStatus, Offer, OfferEnd};

/// One event as it travels: `id` is also the SSE `id:` field, strictly increasing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventEnvelope {
    pub id: i64,
    pub at: Millis,
    pub event: ServerEvent,
}

/// Everything that can happen on the desk. Consumers match exhaustively, so a new kind of event is a
/// compile error until every consumer handles it. Externally tagged (`{"message_created": {...}}`):
/// it parses without buffering, which keeps the app's wasm small.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ServerEvent {
    /// A message was added to a conversation (by an agent or a customer).
    MessageCreated { message: Message },
    /// The customer or the agent started or stopped typing.
    Typing { conversation_id: i64, party: Party, typing: bool },
    /// A conversation was queued, offered, accepted, transferred or ended.
    ConversationChanged { conversation_id: i64, status: ConversationStatus, agent_name: Option<String> },
    /// A conversation is offered to this agent (the popover).
    OfferCreated { offer: Offer },
    /// An offer left this agent's stack.
    OfferEnded { conversation_id: i64, reason: OfferEnd },
    /// This agent submitted the wrap-up: the conversation leaves their task list.
    WrappedUp { conversation_id: i64 },
    /// A conversation's tags changed (by an agent or a keyword rule).
    TagsChanged { conversation_id: i64, tags: Vec<crate::session_data::Tag> },
    /// This agent's state changed (by the agent, or by the server after an unanswered offer).
    StatusChanged { status: AgentStatus },
    /// An agent of the queue changed state (to the queue's members: the supervisor page follows it).
    AgentStateChanged { user_id: i64, status: AgentStatus },
    /// An agent of the queue wrapped a conversation up: their load changed (to the queue's members:
    /// the supervisor page follows it; desks ignore it).
    WorkloadChanged { user_id: i64 },
    /// An agent's email was sent, failed or is waiting for another attempt.
    EmailStatusChanged { conversation_id: i64, message_id: i64, status: crate::email::EmailStatus },
    /// An invitation to help with a conversation was sent, answered, accepted, declined or deleted
    /// (to its owner and its invitee).
    InvitationChanged { invitation_id: i64, conversation_id: i64 },
    /// A colleague joined or left a chat as collaborator (to the owner and the colleague).
    CollaboratorsChanged { conversation_id: i64 },
    /// A call changed: answered, held, resumed, muted or ended (to each agent on it, who reads it with
    /// `GET …/call`: the call's own types stay out of the desk's start).
    CallChanged { conversation_id: i64 },
    /// The customer's phone: the call's state as their phone shows it (to the customer only).
    PhoneChanged { conversation_id: i64, state: crate::voice::PhoneState },
    /// A supervisor whispered to the agent of a conversation (to that agent and the supervisor; never
    /// to the customer): the desk reads `GET …/supervision` again. The text stays out of the event so
    /// the desk's start carries no whisper types.
    WhisperCreated { conversation_id: i64 },
    /// Supervisors started or stopped monitoring a conversation (to its agent, only when the queue
    /// tells agents): the desk reads `GET …/supervision` again.
    MonitoringChanged { conversation_id: i64 },
}

impl ServerEvent {
    /// The conversation the event is about, if any: its events go when it is anonymised or deleted.
    pub fn conversation_id(&self) -> Option<i64> {
        use ServerEvent::*;
        match self {
            MessageCreated { message } => Some(message.conversation_id),
            OfferCreated { offer } => Some(offer.conversation_id),
            Typing { conversation_id, .. }
            | ConversationChanged { conversation_id, .. }
            | OfferEnded { conversation_id, .. }
            | WrappedUp { conversation_id }
            | TagsChanged { conversation_id, .. }
            | EmailStatusChanged { conversation_id, .. }
            | InvitationChanged { conversation_id, .. }
            | CollaboratorsChanged { conversation_id }
            | CallChanged { conversation_id }
            | PhoneChanged { conversation_id, .. }
            | WhisperCreated { conversation_id }
            | MonitoringChanged { conversation_id } => Some(*conversation_id),
            StatusChanged { .. } | AgentStateChanged { .. } | WorkloadChanged { .. } => None,
        }
    }
}

crate::string_enum! {
    pub enum Party {
        Customer = "customer",
        Agent = "agent",
    }
}

/// The SSE event name of a stream that cannot be replayed from the client's last id (the events were
/// pruned, or the database is not the one the client saw): reload everything, then continue live.
pub const RESYNC: &str = "resync";
