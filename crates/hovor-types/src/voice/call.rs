//! The call as a state machine: legs, modes, recording, and the one function that changes them.

use serde::{Deserialize, Serialize};

use crate::Millis;

/// A leg's number within its call, stable for the call's life.
pub type LegId = u16;

/// At most this many parties on a call, the customer and the agents included (WBX conference);
/// supervisors listening or coaching are not counted.
pub const MAX_PARTICIPANTS: usize = 8;

crate::string_enum! {
    /// Who is at the other end of a leg.
    pub enum Party {
        /// The caller (inbound) or the person called (outbound, callback).
        Customer = "customer",
        /// A Hovor user: agent or supervisor, in the desk.
        Agent = "agent",
        /// A dialled number that is not an agent (WBX "Dial Number"): it talks, but has no controls.
        Number = "number",
    }
}

crate::string_enum! {
    /// How a leg takes part in the call.
    pub enum Role {
        Customer = "customer",
        /// The agent in control: hold, consult, transfer, conference, end, recording.
        Primary = "primary",
        /// The agent or number a consult reached, before a conference or transfer.
        Consulted = "consulted",
        /// A further party of a conference.
        Conferenced = "conferenced",
        /// A supervisor who hears the call and is heard by no one.
        Listener = "listener",
        /// A supervisor who hears the call and is heard by the primary agent only.
        Coach = "coach",
    }
}

impl Role {
    /// Talks on the call and counts towards [`MAX_PARTICIPANTS`].
    pub fn is_participant(self) -> bool {
        !matches!(self, Role::Listener | Role::Coach)
    }
}

crate::string_enum! {
    pub enum LegState {
        /// Being called: the phone or the desk rings.
        Ringing = "ringing",
        Active = "active",
        /// On hold: hears hold music, is heard by no one.
        Held = "held",
        /// Hung up, declined, transferred away or dropped.
        Left = "left",
    }
}

crate::string_enum! {
    /// Where the call as a whole stands.
    pub enum Mode {
        /// The customer waits: in a queue (hearing music) or for the called phone to answer.
        Waiting = "waiting",
        /// The customer and the primary agent (or a number) talk.
        Connected = "connected",
        /// The primary agent talks to a consulted party while the customer is held.
        Consult = "consult",
        /// Three or more parties talk together.
        Conference = "conference",
        /// The customer left; the agents may go on, but no one new may join (WBX "POST Call").
        PostCall = "post_call",
        Ended = "ended",
    }
}

/// One party's connection to the call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Leg {
    pub id: LegId,
    pub party: Party,
    /// The user on an `Agent` leg.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    /// The number a `Number` leg dialled, or the customer's number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub role: Role,
    pub state: LegState,
    /// Muted by its own party: their microphone reaches no one.
    #[serde(default)]
    pub muted: bool,
    /// The order legs joined in: control passes to the longest-present agent.
    pub joined: u32,
}

impl Leg {
    /// Taking part now: answered and not gone (held counts).
    pub fn is_present(&self) -> bool {
        matches!(self.state, LegState::Active | LegState::Held)
    }

    /// Heard by others (subject to rooms and roles): answered, not held, not muted.
    pub fn is_talking(&self) -> bool {
        self.state == LegState::Active && !self.muted && self.role.is_participant()
    }
}

/// Whether the call is being recorded (per queue), and until when a pause lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Recording {
    /// The queue does not record.
    Off,
    /// The queue records, and the customer has not been connected yet.
    Armed,
    On,
    /// Paused by the agent; resumes by itself at `until` (ms since the epoch) or on Resume.
    Paused {
        until: Millis,
    },
}

/// Who or what a party of a consult, transfer or outbound call is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Callee {
    Agent { user_id: i64 },
    Number { number: String },
}

/// A change to a call, asked for by a party's leg or by the server itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Routing rings an agent for a waiting call (offer, transfer to a queue, callback).
    Offer {
        user_id: i64,
    },
    /// The leg's party answers.
    Answer {
        leg: LegId,
    },
    /// The leg's party hangs up, declines, exits the consult or the conference, or drops; a ringing
    /// leg that is not answered in time (RONA) leaves too.
    Leave {
        leg: LegId,
    },
    Hold {
        leg: LegId,
    },
    Resume {
        leg: LegId,
    },
    Mute {
        leg: LegId,
        muted: bool,
    },
    /// The primary agent calls another party while the customer is held.
    Consult {
        callee: Callee,
    },
    /// The primary agent ends the consult; the consulted party leaves.
    EndConsult,
    /// The consulted party joins the customer and the primary agent.
    Conference,
    /// The primary agent hands the call to the consulted party and leaves (warm transfer).
    Transfer,
    /// The primary agent sends the customer on without a consult: to a callee, or back to the
    /// queue (`None`), and leaves.
    BlindTransfer {
        callee: Option<Callee>,
    },
    /// The primary agent ends the call for everyone.
    End,
    /// A supervisor starts listening (`coach: false`) or coaching the primary agent.
    Monitor {
        user_id: i64,
        coach: bool,
    },
    /// A listening supervisor starts coaching (`on`), or a coaching one goes back to listening.
    Coach {
        leg: LegId,
        on: bool,
    },
    /// A listening or coaching supervisor joins the conversation.
    BargeIn {
        leg: LegId,
    },
    PauseRecording {
        until: Millis,
    },
    ResumeRecording,
}

/// Who asks for an action: a party on the call, or the server (routing, timers, dropped connections).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Leg(LegId),
    Server,
}

crate::string_enum! {
    /// Why a call refuses an action. The app says each in the agent's language.
    pub enum CallRefusal {
        Ended = "call_ended",
        NoSuchLeg = "no_such_leg",
        /// Only the agent in control (or the leg's own party) may do this.
        NotInControl = "not_in_control",
        /// Not in the call's or the leg's current state (hold a held leg, answer an answered one).
        WrongState = "wrong_state",
        /// A call on hold cannot be ended (WBX).
        OnHold = "on_hold",
        /// Already [`MAX_PARTICIPANTS`] parties.
        Full = "call_full",
        /// After the customer left, no one new may join.
        PostCall = "post_call",
        /// Transfer and Conference wait until the consulted party answered.
        NotAnswered = "consult_not_answered",
        /// Pausing and resuming a recording is not possible during a consult or a conference (WBX).
        RecordingLocked = "recording_locked",
        /// The call is not being recorded, or the recording is not paused (Resume) or running (Pause).
        NotRecording = "not_recording",
        /// The party is already on the call.
        AlreadyOnCall = "already_on_call",
    }
}

/// A voice call between a customer and Hovor's users.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Call {
    pub mode: Mode,
    pub legs: Vec<Leg>,
    pub recording: Recording,
    /// Set when the consult ends, so the call goes back to a conference if it was one.
    #[serde(default)]
    pub consult_from_conference: bool,
}

impl Call {
    /// A customer calls a queue: they wait, hearing music, until an agent answers.
    pub fn inbound(customer_number: &str, recorded: bool) -> Call {
        let mut call = Call::empty(recorded);
        call.push(Party::Customer, None, Some(customer_number.to_owned()), Role::Customer, LegState::Active);
        call
    }

    /// An agent calls a customer's number (outbound, callback): the customer's phone rings.
    pub fn outbound(user_id: i64, customer_number: &str, recorded: bool) -> Call {
        let mut call = Call::empty(recorded);
        call.push(Party::Agent, Some(user_id), None, Role::Primary, LegState::Active);
        call.push(Party::Customer, None, Some(customer_number.to_owned()), Role::Customer, LegState::Ringing);
        call
    }

    fn empty(recorded: bool) -> Call {
        Call {
            mode: Mode::Waiting,
            legs: Vec::new(),
            recording: if recorded { Recording::Armed } else { Recording::Off },
            consult_from_conference: false,
        }
    }

    pub fn leg(&self, id: LegId) -> Option<&Leg> {
        self.legs.iter().find(|l| l.id == id)
    }

    /// The leg a user takes part in (not left), if any.
    pub fn leg_of_user(&self, user_id: i64) -> Option<&Leg> {
        self.legs.iter().find(|l| l.user_id == Some(user_id) && l.state != LegState::Left)
    }

    pub fn customer(&self) -> Option<&Leg> {
        self.legs.iter().find(|l| l.role == Role::Customer)
    }

    /// The agent in control, if one is on the call.
    pub fn primary(&self) -> Option<&Leg> {
        self.legs.iter().find(|l| l.role == Role::Primary && l.state != LegState::Left)
    }

    /// The party a consult in progress reached (ringing or answered).
    pub fn consulted(&self) -> Option<&Leg> {
        self.legs.iter().find(|l| l.role == Role::Consulted && l.state != LegState::Left)
    }

    /// No agent takes part any more (present or ringing) while a number does: a transfer to a
    /// number handed the call out of Hovor, and the customer and the number talk on alone.
    pub fn left_to_numbers(&self) -> bool {
        let taking_part = |l: &&Leg| l.role.is_participant() && l.state != LegState::Left;
        self.mode != Mode::Ended
            && !self.legs.iter().filter(taking_part).any(|l| l.party == Party::Agent)
            && self.legs.iter().filter(taking_part).any(|l| l.party == Party::Number)
    }

    /// Parties counted towards [`MAX_PARTICIPANTS`]: on the call or ringing, supervisors who only
    /// listen or coach left out.
    pub fn participants(&self) -> usize {
        self.legs.iter().filter(|l| l.role.is_participant() && l.state != LegState::Left).count()
    }

    /// Whether `actor` may do `action` now: the desk enables a control exactly when this is true.
    pub fn allows(&self, actor: Actor, action: &Action) -> bool {
        self.clone().apply(actor, action.clone()).is_ok()
    }

    /// Applies an action, or refuses it and leaves the call as it was.
    pub fn apply(&mut self, actor: Actor, action: Action) -> Result<(), CallRefusal> {
        let mut next = self.clone();
        next.change(actor, action)?;
        *self = next;
        Ok(())
    }

    fn change(&mut self, actor: Actor, action: Action) -> Result<(), CallRefusal> {
        if self.mode == Mode::Ended {
            return Err(CallRefusal::Ended);
        }
        match action {
            Action::Offer { user_id } => self.offer(actor, user_id),
            Action::Answer { leg } => self.answer(actor, leg),
            Action::Leave { leg } => self.leave(actor, leg),
            Action::Hold { leg } => self.hold(actor, leg),
            Action::Resume { leg } => self.resume(actor, leg),
            Action::Mute { leg, muted } => {
                self.own_leg(actor, leg)?;
                let leg = self.leg_mut(leg)?;
                if leg.party != Party::Agent || !leg.is_present() || !leg.role.is_participant() {
                    return Err(CallRefusal::WrongState);
                }
                leg.muted = muted;
                Ok(())
            }
            Action::Consult { callee } => self.consult(actor, callee),
            Action::EndConsult => {
                self.in_control(actor)?;
                let consulted = self.consulted().ok_or(CallRefusal::WrongState)?.id;
                self.leave(Actor::Server, consulted)
            }
            Action::Conference => self.conference(actor),
            Action::Transfer => self.transfer(actor),
            Action::BlindTransfer { callee } => self.blind_transfer(actor, callee),
            Action::End => {
                self.in_control(actor)?;
                // In a consult one side is always held, so a consult is ended (or turned into a
                // conference or a transfer) before the call.
                if self.legs.iter().any(|l| l.state == LegState::Held && l.role.is_participant()) {
                    return Err(CallRefusal::OnHold);
                }
                self.end();
                Ok(())
            }
            Action::Monitor { user_id, coach } => {
                if actor != Actor::Server {
                    return Err(CallRefusal::NotInControl);
                }
                if self.leg_of_user(user_id).is_some() {
                    return Err(CallRefusal::AlreadyOnCall);
                }
                let role = if coach { Role::Coach } else { Role::Listener };
                self.push(Party::Agent, Some(user_id), None, role, LegState::Active);
                Ok(())
            }
            Action::Coach { leg, on } => {
                self.own_leg(actor, leg)?;
                let own = self.leg_mut(leg)?;
                if own.role.is_participant() || own.state == LegState::Left {
                    return Err(CallRefusal::WrongState);
                }
                own.role = if on { Role::Coach } else { Role::Listener };
                Ok(())
            }
            Action::BargeIn { leg } => {
                self.own_leg(actor, leg)?;
                if self.leg(leg).is_some_and(|l| l.role.is_participant()) {
                    return Err(CallRefusal::WrongState);
                }
                self.may_add_participant()?;
                if self.mode == Mode::Consult || self.mode == Mode::Waiting {
                    return Err(CallRefusal::WrongState);
                }
                self.leg_mut(leg)?.role = Role::Conferenced;
                if self.participants() >= 3 {
                    self.mode = Mode::Conference;
                }
                Ok(())
            }
            Action::PauseRecording { until } => {
                self.in_control(actor)?;
                self.recording_unlocked()?;
                if self.recording != Recording::On {
                    return Err(CallRefusal::NotRecording);
                }
                self.recording = Recording::Paused { until };
                Ok(())
            }
            Action::ResumeRecording => {
                // The server resumes a pause when its time is up, whatever the call does by then.
                if actor != Actor::Server {
                    self.in_control(actor)?;
                    self.recording_unlocked()?;
                }
                if !matches!(self.recording, Recording::Paused { .. }) {
                    return Err(CallRefusal::NotRecording);
                }
                self.recording = Recording::On;
                Ok(())
            }
        }
    }

    fn offer(&mut self, actor: Actor, user_id: i64) -> Result<(), CallRefusal> {
        if actor != Actor::Server {
            return Err(CallRefusal::NotInControl);
        }
        let customer_waits = self.customer().is_some_and(|c| c.state == LegState::Active);
        if self.mode != Mode::Waiting || self.primary().is_some() || !customer_waits {
            return Err(CallRefusal::WrongState);
        }
        self.push(Party::Agent, Some(user_id), None, Role::Primary, LegState::Ringing);
        Ok(())
    }

    fn answer(&mut self, actor: Actor, id: LegId) -> Result<(), CallRefusal> {
        self.own_leg(actor, id)?;
        let leg = self.leg_mut(id)?;
        if leg.state != LegState::Ringing {
            return Err(CallRefusal::WrongState);
        }
        leg.state = LegState::Active;
        let role = leg.role;
        match role {
            // The consulted party answers into hold when the agent went back to the customer.
            Role::Consulted if self.customer().is_some_and(|c| c.state == LegState::Active) => {
                self.leg_mut(id)?.state = LegState::Held;
            }
            Role::Consulted => {}
            _ if self.mode == Mode::Waiting => {
                let customer = self.customer().is_some_and(|c| c.state == LegState::Active);
                let other = self
                    .legs
                    .iter()
                    .any(|l| l.role.is_participant() && l.role != Role::Customer && l.is_present());
                if customer && other {
                    self.mode = Mode::Connected;
                    if self.recording == Recording::Armed {
                        self.recording = Recording::On;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn hold(&mut self, actor: Actor, id: LegId) -> Result<(), CallRefusal> {
        let primary = self.in_control(actor)?;
        if !matches!(self.mode, Mode::Connected | Mode::Consult) || id == primary {
            return Err(CallRefusal::WrongState);
        }
        let leg = self.leg_mut(id)?;
        if leg.state != LegState::Active || !leg.role.is_participant() {
            return Err(CallRefusal::WrongState);
        }
        leg.state = LegState::Held;
        Ok(())
    }

    /// Resuming one side of a consult holds the other: the agent talks to one party at a time.
    fn resume(&mut self, actor: Actor, id: LegId) -> Result<(), CallRefusal> {
        self.in_control(actor)?;
        if self.leg(id).map(|l| l.state) != Some(LegState::Held) {
            return Err(CallRefusal::WrongState);
        }
        if self.mode == Mode::Consult {
            let role = self.leg(id).map(|l| l.role);
            let other = match role {
                Some(Role::Customer) => self.consulted().map(|l| l.id),
                Some(Role::Consulted) => self.customer().map(|l| l.id),
                _ => None,
            };
            if let Some(other) = other {
                let other = self.leg_mut(other)?;
                if other.state == LegState::Active {
                    other.state = LegState::Held;
                }
            }
        }
        self.leg_mut(id)?.state = LegState::Active;
        Ok(())
    }

    fn consult(&mut self, actor: Actor, callee: Callee) -> Result<(), CallRefusal> {
        self.in_control(actor)?;
        if self.mode == Mode::PostCall {
            return Err(CallRefusal::PostCall);
        }
        if !matches!(self.mode, Mode::Connected | Mode::Conference) {
            return Err(CallRefusal::WrongState);
        }
        self.may_add_participant()?;
        if let Callee::Agent { user_id } = &callee
            && self.leg_of_user(*user_id).is_some()
        {
            return Err(CallRefusal::AlreadyOnCall);
        }
        self.consult_from_conference = self.mode == Mode::Conference;
        self.mode = Mode::Consult;
        if let Some(customer) = self.legs.iter_mut().find(|l| l.role == Role::Customer)
            && customer.state == LegState::Active
        {
            customer.state = LegState::Held;
        }
        self.push_callee(callee, Role::Consulted, LegState::Ringing);
        Ok(())
    }

    fn conference(&mut self, actor: Actor) -> Result<(), CallRefusal> {
        self.in_control(actor)?;
        let consulted = self.answered_consult()?;
        for leg in &mut self.legs {
            if leg.state == LegState::Held && leg.role.is_participant() {
                leg.state = LegState::Active;
            }
        }
        self.leg_mut(consulted)?.role = Role::Conferenced;
        self.mode = Mode::Conference;
        self.consult_from_conference = false;
        Ok(())
    }

    fn transfer(&mut self, actor: Actor) -> Result<(), CallRefusal> {
        let primary = self.in_control(actor)?;
        let consulted = self.answered_consult()?;
        self.leg_mut(primary)?.state = LegState::Left;
        for leg in &mut self.legs {
            if leg.state == LegState::Held && leg.role.is_participant() {
                leg.state = LegState::Active;
            }
        }
        let taker = self.leg_mut(consulted)?;
        taker.role = if taker.party == Party::Agent { Role::Primary } else { Role::Conferenced };
        self.mode = self.after_consult();
        self.settle();
        Ok(())
    }

    fn blind_transfer(&mut self, actor: Actor, callee: Option<Callee>) -> Result<(), CallRefusal> {
        let primary = self.in_control(actor)?;
        if self.mode != Mode::Connected {
            return Err(CallRefusal::WrongState);
        }
        if let Some(Callee::Agent { user_id }) = &callee
            && self.leg_of_user(*user_id).is_some()
        {
            return Err(CallRefusal::AlreadyOnCall);
        }
        self.leg_mut(primary)?.state = LegState::Left;
        if let Some(customer) = self.legs.iter_mut().find(|l| l.role == Role::Customer) {
            customer.state = LegState::Active;
        }
        self.mode = Mode::Waiting;
        if let Some(callee) = callee {
            let role = match callee {
                Callee::Agent { .. } => Role::Primary,
                Callee::Number { .. } => Role::Conferenced,
            };
            self.push_callee(callee, role, LegState::Ringing);
        }
        Ok(())
    }

    fn leave(&mut self, actor: Actor, id: LegId) -> Result<(), CallRefusal> {
        self.own_leg(actor, id)?;
        let leg = self.leg_mut(id)?;
        if leg.state == LegState::Left {
            return Err(CallRefusal::WrongState);
        }
        leg.state = LegState::Left;
        let role = leg.role;
        match role {
            Role::Customer => {
                if self.mode == Mode::Waiting {
                    self.end();
                    return Ok(());
                }
                self.mode = Mode::PostCall;
            }
            Role::Consulted => self.mode = self.after_consult(),
            Role::Primary => {
                if self.mode == Mode::Consult {
                    // The agent who consulted hangs up: the consulted party stays with the customer.
                    if let Some(consulted) = self.consulted().map(|l| l.id) {
                        self.leg_mut(consulted)?.role = Role::Conferenced;
                    }
                    self.mode = self.after_consult();
                    for leg in &mut self.legs {
                        if leg.state == LegState::Held && leg.role.is_participant() {
                            leg.state = LegState::Active;
                        }
                    }
                }
                self.pass_control();
            }
            // A number the call was sent to blind does not answer: the call had left its queue.
            Role::Conferenced if self.mode == Mode::Waiting && self.primary().is_none() => {
                self.end();
                return Ok(());
            }
            Role::Conferenced => {}
            Role::Listener | Role::Coach => return Ok(()),
        }
        self.settle();
        Ok(())
    }

    /// After a leg left: the call ends when one participant remains (a ringing one does not count
    /// once the customer has gone), and a conference of two is a plain call again.
    fn settle(&mut self) {
        let customer_here = self.customer().is_some_and(|c| c.state != LegState::Left);
        let present = self.legs.iter().filter(|l| l.role.is_participant() && l.is_present()).count();
        let ringing = self.legs.iter().any(|l| l.role.is_participant() && l.state == LegState::Ringing);
        // A customer waiting in a queue keeps the call alive on their own.
        let waiting =
            self.mode == Mode::Waiting && self.customer().is_some_and(|c| c.state == LegState::Active);
        if !waiting && present + usize::from(ringing && customer_here) <= 1 {
            self.end();
            return;
        }
        if !customer_here {
            self.mode = Mode::PostCall;
        } else if self.mode == Mode::Conference && self.participants() <= 2 {
            self.mode = Mode::Connected;
        }
        if self.primary().is_none() {
            self.pass_control();
        }
    }

    /// Control passes to the agent longest on the call (WBX: after the primary exits a conference).
    fn pass_control(&mut self) {
        if self.primary().is_some() {
            return;
        }
        let next = self
            .legs
            .iter_mut()
            .filter(|l| l.party == Party::Agent && l.role.is_participant() && l.is_present())
            .min_by_key(|l| l.joined);
        if let Some(next) = next {
            next.role = Role::Primary;
        }
    }

    fn after_consult(&mut self) -> Mode {
        let mode = if self.consult_from_conference { Mode::Conference } else { Mode::Connected };
        self.consult_from_conference = false;
        mode
    }

    fn end(&mut self) {
        for leg in &mut self.legs {
            leg.state = LegState::Left;
        }
        self.mode = Mode::Ended;
    }

    /// The consult's party, once it answered.
    fn answered_consult(&self) -> Result<LegId, CallRefusal> {
        if self.mode != Mode::Consult {
            return Err(CallRefusal::WrongState);
        }
        let consulted = self.consulted().ok_or(CallRefusal::WrongState)?;
        if !consulted.is_present() {
            return Err(CallRefusal::NotAnswered);
        }
        Ok(consulted.id)
    }

    fn recording_unlocked(&self) -> Result<(), CallRefusal> {
        match self.mode {
            Mode::Consult | Mode::Conference => Err(CallRefusal::RecordingLocked),
            _ => Ok(()),
        }
    }

    fn may_add_participant(&self) -> Result<(), CallRefusal> {
        if self.mode == Mode::PostCall {
            return Err(CallRefusal::PostCall);
        }
        if self.participants() >= MAX_PARTICIPANTS {
            return Err(CallRefusal::Full);
        }
        Ok(())
    }

    /// The primary agent's leg, when `actor` is it.
    fn in_control(&self, actor: Actor) -> Result<LegId, CallRefusal> {
        let Actor::Leg(id) = actor else { return Err(CallRefusal::NotInControl) };
        let leg = self.leg(id).ok_or(CallRefusal::NoSuchLeg)?;
        if leg.role != Role::Primary || !leg.is_present() {
            return Err(CallRefusal::NotInControl);
        }
        Ok(id)
    }

    /// A leg's own party, or the server, may act on it.
    fn own_leg(&self, actor: Actor, id: LegId) -> Result<(), CallRefusal> {
        self.leg(id).ok_or(CallRefusal::NoSuchLeg)?;
        match actor {
            Actor::Server => Ok(()),
            Actor::Leg(by) if by == id => Ok(()),
            Actor::Leg(_) => Err(CallRefusal::NotInControl),
        }
    }

    fn leg_mut(&mut self, id: LegId) -> Result<&mut Leg, CallRefusal> {
        self.legs.iter_mut().find(|l| l.id == id).ok_or(CallRefusal::NoSuchLeg)
    }

    fn push_callee(&mut self, callee: Callee, role: Role, state: LegState) {
        match callee {
            Callee::Agent { user_id } => self.push(Party::Agent, Some(user_id), None, role, state),
            Callee::Number { number } => self.push(Party::Number, None, Some(number), role, state),
        }
    }

    fn push(
        &mut self,
        party: Party,
        user_id: Option<i64>,
        number: Option<String>,
        role: Role,
        state: LegState,
    ) {
        let id = self.legs.len() as LegId;
        let joined = self.legs.iter().map(|l| l.joined + 1).max().unwrap_or(0);
        self.legs.push(Leg { id, party, user_id, number, role, state, muted: false, joined });
    }
}
