//! Signalling: how a browser's audio connection reaches the server's media switch.

use serde::{Deserialize, Serialize};

use super::call::{Action, Actor, Call, Callee, Leg, LegId, LegState, Mode, Party, Role};
use crate::Millis;
use crate::error::{FieldError, Rule};

/// Longest session description accepted; a browser's audio offer is 3–6 KB.
pub const SDP_MAX_CHARS: usize = 16_384;

/// A session description (RFC 8866): the browser's offer, or the server's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionDescription {
    pub sdp: String,
}

/// A description starts with its version line and fits [`SDP_MAX_CHARS`].
pub fn check_sdp(description: &SessionDescription) -> Result<(), FieldError> {
    let sdp = description.sdp.as_str();
    if sdp.trim().is_empty() {
        return Err(FieldError::new("sdp", Rule::Required));
    }
    if sdp.chars().count() > SDP_MAX_CHARS {
        return Err(FieldError::new("sdp", Rule::TooLong { max: SDP_MAX_CHARS }));
    }
    if !sdp.starts_with("v=0") {
        return Err(FieldError::new("sdp", Rule::Malformed));
    }
    Ok(())
}

/// A sound check plays the browser's own microphone back to it for this long at most.
pub const SOUND_CHECK_SECONDS: u64 = 60;

/// The phone page dials: `from` is the page's own number, `to` a queue's entry-point number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dial {
    pub from: String,
    pub to: String,
    /// The phone's audio offer.
    pub sdp: String,
}

/// Both numbers look like phone numbers and the offer like a session description.
pub fn check_dial(dial: &Dial) -> Result<(), FieldError> {
    for (field, number) in [("from", &dial.from), ("to", &dial.to)] {
        if number.trim().is_empty() {
            return Err(FieldError::new(field, Rule::Required));
        }
        if !crate::validate::looks_like_phone(number) {
            return Err(FieldError::new(field, Rule::Malformed));
        }
    }
    check_sdp(&SessionDescription { sdp: dial.sdp.clone() })
}

crate::string_enum! {
    /// What the customer's phone shows.
    pub enum PhoneState {
        /// In the queue, hearing music, until an agent answers.
        Waiting = "waiting",
        Connected = "connected",
        /// The agent put the call on hold: music until they resume.
        OnHold = "on_hold",
        Ended = "ended",
    }
}

impl Call {
    /// The call as a dialled number's phone shows it (consult, transfer to a number).
    pub fn number_state(&self, leg: LegId) -> PhoneState {
        match self.leg(leg).map(|l| l.state) {
            _ if self.mode == Mode::Ended => PhoneState::Ended,
            None | Some(LegState::Left) => PhoneState::Ended,
            Some(LegState::Ringing) => PhoneState::Waiting,
            Some(LegState::Held) => PhoneState::OnHold,
            Some(LegState::Active) => PhoneState::Connected,
        }
    }

    /// The call as the customer's phone shows it.
    pub fn phone_state(&self) -> PhoneState {
        match self.customer().map(|c| c.state) {
            None | Some(LegState::Left) => PhoneState::Ended,
            _ if self.mode == Mode::Ended => PhoneState::Ended,
            _ if self.mode == Mode::Waiting => PhoneState::Waiting,
            Some(LegState::Held) => PhoneState::OnHold,
            _ => PhoneState::Connected,
        }
    }
}

/// The phone page's own line: the number Hovor's outbound calls ring it on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhoneLine {
    pub number: String,
}

/// The number looks like a phone number.
pub fn check_line(line: &PhoneLine) -> Result<(), FieldError> {
    if line.number.trim().is_empty() {
        return Err(FieldError::new("number", Rule::Required));
    }
    if !crate::validate::looks_like_phone(&line.number) {
        return Err(FieldError::new("number", Rule::Malformed));
    }
    Ok(())
}

/// A call Hovor places rings the phone whose line has the number: who calls (the queue's name) and the
/// call to answer or decline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IncomingCall {
    pub conversation_id: i64,
    pub caller: String,
    /// `customer`: Hovor calls the phone as the call's customer (outbound, callback); `number`: an
    /// agent consults or transfers a call to it. A number's phone follows the call on its line
    /// (`state` events) and hangs up there.
    #[serde(default = "customer_party")]
    pub party: Party,
}

fn customer_party() -> Party {
    Party::Customer
}

/// Whom a consult may call now: the queue's free agents, and the queues that have one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsultTargets {
    pub agents: Vec<crate::collaboration::Colleague>,
    pub queues: Vec<crate::wrap_up::Target>,
}

/// A line's news about a call it answered or that rang it as a number: its state for that party.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineCallState {
    pub conversation_id: i64,
    pub state: PhoneState,
}

/// What a phone page hears on its line (`GET /api/phone/line`, server-sent events of
/// [`LineEnvelope`]): a call ringing it, or the state of a call it takes part in as a number.
/// Externally tagged: `{"ring": {...}}`, `{"state": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LineNews {
    Ring(IncomingCall),
    State(LineCallState),
}

/// One piece of a line's news as it travels: `id` is also the SSE `id:` field, strictly increasing,
/// so a page that reconnects misses nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineEnvelope {
    pub id: i64,
    pub at: Millis,
    pub event: LineNews,
}

/// A call's recording: played or downloaded at `/api/recordings/{id}/audio` by those who may see the
/// conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordingInfo {
    pub id: i64,
    pub started_at: Millis,
    /// `None` while the call goes on.
    pub ended_at: Option<Millis>,
}

/// The phone page's call: its state and the queue it reached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhoneCall {
    pub state: PhoneState,
    pub queue_name: String,
}

/// Whom a consult calls (WBX: an agent, a queue or a number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConsultTo {
    Agent {
        user_id: i64,
    },
    /// The longest-free available agent of the queue, chosen by the server.
    Queue {
        queue_id: i64,
    },
    /// A phone number outside Hovor: it talks, but has no controls.
    Number {
        number: String,
    },
}

/// A number to consult or transfer to looks like a phone number (error on `number`).
pub fn check_number(number: &str) -> Result<(), FieldError> {
    let number = number.trim();
    if number.is_empty() {
        return Err(FieldError::new("number", Rule::Required));
    }
    if !crate::validate::looks_like_phone(number) {
        return Err(FieldError::new("number", Rule::Malformed));
    }
    Ok(())
}

/// What an agent's call controls ask for; the server turns it into an [`Action`] of the agent's leg.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum CallCommand {
    /// Puts the customer on hold.
    Hold,
    /// Takes the customer off hold.
    Resume,
    /// Mutes or unmutes the agent's own microphone.
    Mute {
        muted: bool,
    },
    /// Calls another agent, a queue's agent or a number while the customer is held (WBX Consult).
    Consult {
        to: ConsultTo,
    },
    /// Holds the consulted party (the customer may be held at the same time).
    HoldConsult,
    /// Takes the consulted party off hold, holding the customer.
    ResumeConsult,
    /// The primary agent ends the consult: the consulted agent leaves.
    EndConsult,
    /// The consulted agent joins the customer and the primary agent.
    Conference,
    /// The primary agent hands the call to the consulted agent and leaves.
    Transfer,
    /// A consult request ringing on this agent's desk is answered.
    Answer,
    /// The agent leaves: declines a consult request, exits a consult or a conference.
    Exit,
    /// Pauses the call's recording for the queue's pause length (the server sets until when).
    PauseRecording,
    ResumeRecording,
}

impl CallCommand {
    /// The action this command is on `call` for the agent on leg `own`; `None` when there is no
    /// customer (or consulted party) to hold or resume, and for a consult to a queue, which the
    /// server first turns into a consult to one of its agents.
    pub fn action(self, call: &Call, own: LegId) -> Option<Action> {
        let customer = call.customer().map(|c| c.id);
        let consulted = call.consulted().map(|c| c.id);
        Some(match self {
            CallCommand::Hold => Action::Hold { leg: customer? },
            CallCommand::Resume => Action::Resume { leg: customer? },
            CallCommand::Mute { muted } => Action::Mute { leg: own, muted },
            CallCommand::Consult { to } => Action::Consult {
                callee: match to {
                    ConsultTo::Agent { user_id } => Callee::Agent { user_id },
                    ConsultTo::Number { number } => Callee::Number { number },
                    ConsultTo::Queue { .. } => return None,
                },
            },
            CallCommand::HoldConsult => Action::Hold { leg: consulted? },
            CallCommand::ResumeConsult => Action::Resume { leg: consulted? },
            CallCommand::EndConsult => Action::EndConsult,
            CallCommand::Conference => Action::Conference,
            CallCommand::Transfer => Action::Transfer,
            CallCommand::Answer => Action::Answer { leg: own },
            CallCommand::Exit => Action::Leave { leg: own },
            // The server puts the pause's end in; the rules do not depend on it.
            CallCommand::PauseRecording => Action::PauseRecording { until: 0 },
            CallCommand::ResumeRecording => Action::ResumeRecording,
        })
    }
}

/// An agent on the call: who they are to a colleague their call consults (WBX: the consult request
/// shows the initiating agent's name, number and team).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallAgent {
    pub user_id: i64,
    pub name: String,
    /// Their own telephone number (extension), when they have one.
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    pub team: Option<String>,
}

/// A call as one agent's desk sees it: the whole call, the agent's own leg, and since when the customer
/// and an agent have been connected (the control pane's timer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallView {
    pub conversation_id: i64,
    pub call: Call,
    /// The viewer's leg; `None` for someone not on the call.
    pub leg: Option<LegId>,
    pub connected_at: Option<Millis>,
    /// The names of the agents who have been on the call.
    #[serde(default)]
    pub agents: Vec<CallAgent>,
}

impl CallView {
    /// A call that is over, for a desk that asked after it ended.
    pub fn over(conversation_id: i64) -> CallView {
        let call = Call {
            mode: Mode::Ended,
            legs: Vec::new(),
            recording: super::call::Recording::Off,
            consult_from_conference: false,
        };
        CallView { conversation_id, call, leg: None, connected_at: None, agents: Vec::new() }
    }

    /// Whether the viewer may give `command` now: the desk enables exactly the controls the server takes.
    pub fn may(&self, command: CallCommand) -> bool {
        let Some(own) = self.leg else { return false };
        command.action(&self.call, own).is_some_and(|action| self.call.allows(Actor::Leg(own), &action))
    }

    /// The viewer's own leg.
    pub fn own(&self) -> Option<&Leg> {
        self.leg.and_then(|id| self.call.leg(id))
    }

    /// Who is on `leg`: the agent's name, or the number a consult or transfer dialled.
    pub fn name_of<'a>(&'a self, leg: &'a Leg) -> Option<&'a str> {
        if leg.party == Party::Number {
            return leg.number.as_deref();
        }
        self.agent_on(leg).map(|a| a.name.as_str())
    }

    /// The agent on `leg`, if an agent is.
    pub fn agent_on(&self, leg: &Leg) -> Option<&CallAgent> {
        let user_id = leg.user_id?;
        self.agents.iter().find(|a| a.user_id == user_id)
    }

    /// A consult request rings on the viewer's desk: the agent who asks (the primary).
    pub fn consult_request(&self) -> Option<&Leg> {
        let own = self.own()?;
        (own.role == Role::Consulted && own.state == LegState::Ringing).then(|| self.call.primary())?
    }

    /// The other agent of a consult, seen from either side: the consulted one for the primary, the
    /// primary for the consulted one.
    pub fn consult_partner(&self) -> Option<&Leg> {
        if self.call.mode != Mode::Consult {
            return None;
        }
        match self.own()?.role {
            Role::Primary => self.call.consulted(),
            Role::Consulted => self.call.primary(),
            _ => None,
        }
    }
}

impl From<super::call::CallRefusal> for crate::error::Reason {
    fn from(refusal: super::call::CallRefusal) -> Self {
        use super::call::CallRefusal;
        use crate::error::Reason;
        match refusal {
            CallRefusal::Ended => Reason::Ended,
            CallRefusal::OnHold => Reason::CallOnHold,
            CallRefusal::AlreadyOnCall => Reason::UnsupportedDestination,
            _ => Reason::CallRefused,
        }
    }
}
