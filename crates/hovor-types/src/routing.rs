//! Routing as the agent sees it: their state, capacity per channel, the offers that reach them (WBX
//! popovers), and the order and masking rules the popover stack follows.

use serde::{Deserialize, Serialize};

use crate::Millis;
use crate::conversation::Channel;
use crate::error::{FieldError, Rule};

crate::string_enum! {
    /// Chosen by the agent; routing offers work only to `Available` agents.
    pub enum AgentState {
        Available = "available",
        Idle = "idle",
    }
}

crate::string_enum! {
    /// Why an agent is Idle. `NoAnswer` (after an unanswered offer, RONA) and `SignedOut` are set by
    /// the server, never chosen by the agent.
    pub enum IdleReason {
        Break = "break",
        Lunch = "lunch",
        Meeting = "meeting",
        Training = "training",
        AfterWork = "after_work",
        NoAnswer = "no_answer",
        /// Not signed in to the desk.
        SignedOut = "signed_out",
    }
}

impl IdleReason {
    /// The reasons an agent may pick.
    pub const CHOSEN: [IdleReason; 5] = [
        IdleReason::Break,
        IdleReason::Lunch,
        IdleReason::Meeting,
        IdleReason::Training,
        IdleReason::AfterWork,
    ];
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentStatus {
    pub state: AgentState,
    /// Present exactly when Idle.
    pub idle_reason: Option<IdleReason>,
    pub since: Millis,
}

/// `PUT /api/me/status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetStatusRequest {
    pub state: AgentState,
    #[serde(default)]
    pub idle_reason: Option<IdleReason>,
}

/// Idle needs a reason the agent may choose; Available takes none.
pub fn validate_status(request: &SetStatusRequest) -> Result<(), FieldError> {
    match (request.state, request.idle_reason) {
        (AgentState::Available, None) => Ok(()),
        (AgentState::Available, Some(_)) => Err(FieldError::new("idle_reason", Rule::NotAnOption)),
        (AgentState::Idle, None) => Err(FieldError::new("idle_reason", Rule::Required)),
        (AgentState::Idle, Some(reason)) if IdleReason::CHOSEN.contains(&reason) => Ok(()),
        (AgentState::Idle, Some(_)) => Err(FieldError::new("idle_reason", Rule::NotAnOption)),
    }
}

/// How many conversations of a channel an agent handles at once, unless configured otherwise.
pub fn default_capacity(channel: Channel) -> u32 {
    match channel {
        Channel::Chat => 3,
        Channel::Email => 5,
        Channel::Voice => 1,
    }
}

/// Smallest and largest number of variables a queue shows on its contact-request popover.
pub const POPOVER_VARIABLES: std::ops::RangeInclusive<usize> = 3..=6;

crate::string_enum! {
    /// What a popover variable shows; the app translates the label.
    pub enum PopoverField {
        CustomerName = "customer_name",
        Queue = "queue",
        WaitTime = "wait_time",
        Phone = "phone",
        Email = "email",
        Subject = "subject",
        Language = "language",
        FirstAnswer = "first_answer",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PopoverVariable {
    pub field: PopoverField,
    pub value: String,
}

/// A conversation offered to one agent until `expires_at` (RONA).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Offer {
    pub conversation_id: i64,
    pub channel: Channel,
    pub queue_name: String,
    /// When the conversation entered its queue: the stack's order within a channel.
    pub queued_at: Millis,
    pub offered_at: Millis,
    pub expires_at: Millis,
    /// The queue's configured variables, secure ones already left out by the server.
    pub variables: Vec<PopoverVariable>,
    /// The operator note of a transfer, for the receiving agent.
    pub transfer_note: Option<String>,
    /// A callback Hovor places once accepted: the popover says so (WBX).
    #[serde(default)]
    pub callback: Option<CallbackOffer>,
}

/// What a callback's popover shows beside the queue and the timer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallbackOffer {
    /// The customer's number (its last 4 digits where the queue protects sensitive data).
    pub number: String,
    /// The number the customer dialled or left it for (DNIS): the queue's entry point.
    pub dialled: Option<String>,
}

/// Position of a channel in the popover stack, top first: emails, social messages, chats, calls.
fn stack_rank(channel: Channel) -> u8 {
    match channel {
        Channel::Email => 0,
        // Social messages (rank 1) sit between emails and chats once that channel exists.
        Channel::Chat => 2,
        Channel::Voice => 3,
    }
}

/// Sorts offers into stack order: by channel (emails, social, chats, calls), then earliest first.
pub fn stack_order(offers: &mut [Offer]) {
    offers.sort_by_key(|o| (stack_rank(o.channel), o.queued_at, o.conversation_id));
}

/// The stack shows at most this many popovers; more read "1–5 of N".
pub const STACK_VISIBLE: usize = 5;

/// The visible tail of a phone number when sensitive-data protection is on: `+420 777 123 456` →
/// `•••• 3456`. Fewer than 4 digits are hidden entirely.
pub fn mask_phone(number: &str) -> String {
    let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 4 {
        return "••••".to_owned();
    }
    let tail: String = digits[digits.len() - 4..].iter().collect();
    format!("•••• {tail}")
}

crate::string_enum! {
    /// Why an offer left the agent's stack.
    pub enum OfferEnd {
        Accepted = "accepted",
        Declined = "declined",
        /// Not answered in time: back to the queue, the agent set Idle.
        NoAnswer = "no_answer",
        /// The customer left before anyone accepted.
        Withdrawn = "withdrawn",
    }
}

/// `POST /api/offers/accept`: several offers at once ("Accept N requests").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptOffers {
    pub conversation_ids: Vec<i64>,
}

/// What accepting gave: the conversations now the agent's, and those no longer on offer to them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptedOffers {
    pub accepted: Vec<i64>,
    pub gone: Vec<i64>,
}

/// `PUT /api/admin/agents/{id}/capacity`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetCapacity {
    pub channel: Channel,
    pub capacity: u32,
}

pub const CAPACITY_MAX: u32 = 20;

pub fn validate_capacity(request: &SetCapacity) -> Result<(), FieldError> {
    if request.capacity > CAPACITY_MAX {
        return Err(FieldError::new("capacity", Rule::TooLarge { max: CAPACITY_MAX as usize }));
    }
    Ok(())
}

/// A popover variable as a queue configures it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfiguredVariable {
    pub field: PopoverField,
    /// Secure variables (PII) are never shown on a popover.
    #[serde(default)]
    pub secure: bool,
}

/// `PUT /api/admin/queues/{id}/routing`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueRouting {
    /// Seconds an offer waits for Accept before it returns to the queue (RONA).
    pub rona_seconds: u32,
    /// Phone numbers on popovers show only their last 4 digits.
    pub mask_sensitive: bool,
    pub popover_variables: Vec<ConfiguredVariable>,
    /// Waiting conversations the queue takes before new chats are refused (429); none: no limit.
    #[serde(default)]
    pub max_waiting: Option<u32>,
    /// A waiting chat whose customer closed the page ends as abandoned after this many seconds.
    #[serde(default = "default_abandon_after")]
    pub abandon_after_seconds: u32,
}

fn default_abandon_after() -> u32 {
    60
}

/// The largest waiting-conversation cap an administrator can set.
pub const MAX_WAITING_LIMIT: u32 = 100_000;
/// How long a chat may wait for its customer to come back (a reload takes a second or two).
pub const ABANDON_AFTER_SECONDS: std::ops::RangeInclusive<u32> = 5..=3600;

pub const RONA_SECONDS: std::ops::RangeInclusive<u32> = 3..=600;

pub fn validate_queue_routing(request: &QueueRouting) -> Result<(), FieldError> {
    if !RONA_SECONDS.contains(&request.rona_seconds) {
        return Err(FieldError::new("rona_seconds", Rule::NotAnOption));
    }
    if !POPOVER_VARIABLES.contains(&request.popover_variables.len()) {
        return Err(FieldError::new("popover_variables", Rule::NotAnOption));
    }
    if request.max_waiting.is_some_and(|max| max > MAX_WAITING_LIMIT) {
        return Err(FieldError::new("max_waiting", Rule::TooLarge { max: MAX_WAITING_LIMIT as usize }));
    }
    if !ABANDON_AFTER_SECONDS.contains(&request.abandon_after_seconds) {
        return Err(FieldError::new("abandon_after_seconds", Rule::NotAnOption));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(id: i64, channel: Channel, queued_at: Millis) -> Offer {
        Offer {
            conversation_id: id,
            channel,
            queue_name: String::new(),
            queued_at,
            offered_at: 0,
            expires_at: 0,
            variables: vec![],
            transfer_note: None,
            callback: None,
        }
    }

    #[test]
    fn stack_puts_emails_then_chats_then_calls_and_the_earliest_first() {
        let mut offers = vec![
            offer(1, Channel::Voice, 10),
            offer(2, Channel::Chat, 30),
            offer(3, Channel::Email, 50),
            offer(4, Channel::Chat, 20),
        ];
        stack_order(&mut offers);
        let ids: Vec<i64> = offers.iter().map(|o| o.conversation_id).collect();
        assert_eq!(ids, vec![3, 4, 2, 1]);
    }

    #[test]
    fn phone_keeps_only_its_last_four_digits() {
        assert_eq!(mask_phone("+420 777 123 456"), "•••• 3456");
        assert_eq!(mask_phone("12"), "••••");
    }

    #[test]
    fn idle_needs_a_reason_the_agent_may_choose() {
        let idle = |idle_reason| SetStatusRequest { state: AgentState::Idle, idle_reason };
        assert!(validate_status(&idle(Some(IdleReason::Lunch))).is_ok());
        assert_eq!(validate_status(&idle(None)).unwrap_err().rule, Rule::Required);
        assert_eq!(validate_status(&idle(Some(IdleReason::NoAnswer))).unwrap_err().rule, Rule::NotAnOption);
        let available =
            SetStatusRequest { state: AgentState::Available, idle_reason: Some(IdleReason::Break) };
        assert!(validate_status(&available).is_err());
    }
}
