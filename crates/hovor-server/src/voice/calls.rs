//! The calls this instance switches: each voice conversation's [`Call`], the media switch's peer of
//! each leg, and the changes routing, the desk and the phone page make to them.
//!
//! Every change goes through [`Call::apply`] (the rules live in `hovor-types`), then every leg's
//! peer is routed to what [`Call::hears`] says, then the desks and the phone learn the new state
//! through events of the caller's [`Work`]. The lock is never held across an await.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use hovor_types::Millis;
use hovor_types::error::{FieldError, Reason, Rule};
use hovor_types::event::ServerEvent;
use hovor_types::validate::phone_digits;
use hovor_types::voice::{
    Action, Actor, Call, CallAgent, CallCommand, CallRefusal, CallView, Callee, LegId, LegState,
    LineCallState, LineNews, Mode, Party, PhoneState, Recording, Role, Source,
};

use crate::db::now_ms;

/// Whether a queue records its calls, and how long a pause of a recording lasts at most.
#[derive(Clone, Copy, Debug, Default)]
pub struct RecordingSetting {
    pub record: bool,
    pub pause_ms: Millis,
}

use super::switch::{Feed, PeerId, RecorderId, Switch};
use crate::error::{AppError, AppResult};
use crate::hub::Audience;
use crate::routing::Work;

/// One call in progress.
struct Live {
    call: Call,
    peers: HashMap<LegId, PeerId>,
    /// Desks connected while the call is offered to their agent (by user): they hear nothing and
    /// are heard by no one until that agent answers and the connection becomes their leg's.
    ringing: HashMap<i64, PeerId>,
    connected_at: Option<Millis>,
    /// The recording being written (the queue records calls), from when the customer is connected.
    recorder: Option<(RecorderId, String)>,
    /// How long a pause of the recording lasts at most (the queue's setting).
    pause_ms: Millis,
    /// The agents who joined, for the desks (who asks for a consult, who talks).
    names: HashMap<i64, CallAgent>,
}

impl Live {
    fn view(&self, conversation_id: i64, user_id: Option<i64>) -> CallView {
        CallView {
            conversation_id,
            call: self.call.clone(),
            leg: user_id.and_then(|u| self.call.leg_of_user(u)).map(|l| l.id),
            connected_at: self.connected_at,
            agents: self.names.values().cloned().collect(),
        }
    }

    /// A leg that left hears nothing more: its connection is closed.
    fn hang_up_left(&mut self, switch: &Switch) {
        let call = &self.call;
        self.peers.retain(|&leg, &mut peer| {
            let gone = call.leg(leg).is_none_or(|l| l.state == LegState::Left);
            if gone {
                let _ = switch.remove(peer);
            }
            !gone
        });
    }

    /// Every leg's peer hears what the call says it hears now. A customer who should hear agents none
    /// of whose desks has audio (answered a moment ago, reloading, or gone from the network) hears
    /// hold music meanwhile, not silence.
    fn route(&self, switch: &Switch) {
        for (&leg, &peer) in &self.peers {
            let sources = self.call.hears(leg);
            let customer = self.call.customer().is_some_and(|c| c.id == leg);
            let without_audio =
                |s: &Source| matches!(s, Source::Leg { leg } if !self.peers.contains_key(leg));
            let feeds = if customer && !sources.is_empty() && sources.iter().all(without_audio) {
                vec![Feed::HoldMusic]
            } else {
                sources
                    .into_iter()
                    .filter_map(|source| match source {
                        Source::Leg { leg } => self.peers.get(&leg).map(|&p| Feed::Peer(p)),
                        Source::QueueMusic => Some(Feed::QueueMusic),
                        Source::HoldMusic => Some(Feed::HoldMusic),
                    })
                    .collect()
            };
            // Fails only when the switch thread is gone, which the sound check and every call would show.
            if let Err(e) = switch.route(peer, feeds) {
                tracing::error!(error = %e, "the media switch did not take a route");
            }
        }
        if let Some((recorder, _)) = &self.recorder {
            let feeds = self
                .call
                .recorded()
                .into_iter()
                .filter_map(|source| match source {
                    Source::Leg { leg } => self.peers.get(&leg).map(|&p| Feed::Peer(p)),
                    _ => None,
                })
                .collect();
            if let Err(e) = switch.record_feeds(*recorder, feeds) {
                tracing::error!(error = %e, "the media switch did not take a recording's feeds");
            }
        }
    }

    /// Starts the recording once the call records (the customer connected), stops it when the call
    /// ends; says which happened.
    fn follow_recording(
        &mut self,
        conversation_id: i64,
        switch: &Switch,
        recordings: &std::path::Path,
    ) -> Option<RecordingChange> {
        let records = matches!(self.call.recording, Recording::On | Recording::Paused { .. });
        match &self.recorder {
            None if records && self.call.mode != Mode::Ended => {
                let (id, packets) = switch
                    .record()
                    .map_err(|e| tracing::error!(error = %e, "the media switch did not start a recording"))
                    .ok()?;
                let file = format!("{conversation_id}-{id}.opus");
                let _writer = super::recorder::write(recordings.join(&file), packets);
                self.recorder = Some((id, file.clone()));
                Some(RecordingChange::Started(file))
            }
            Some((id, file)) if self.call.mode == Mode::Ended => {
                let _ = switch.stop_recording(*id);
                Some(RecordingChange::Stopped(file.clone()))
            }
            _ => None,
        }
    }

    /// The agent in control, and the other agents talking on the call (consulted, conferenced).
    fn parties(&self) -> (Option<i64>, Vec<i64>) {
        let primary = self.call.primary().and_then(|l| l.user_id);
        let helpers = self
            .call
            .legs
            .iter()
            .filter(|l| matches!(l.role, Role::Consulted | Role::Conferenced) && l.is_present())
            .filter_map(|l| l.user_id)
            .collect();
        (primary, helpers)
    }

    /// The numbers on the call (a consult or a transfer to a number) and their state, for their lines:
    /// a number called again is told of its latest leg only.
    fn numbers(&self, conversation_id: i64) -> Vec<(String, LineCallState)> {
        let call = &self.call;
        let mut told: Vec<(String, LineCallState)> = Vec::new();
        for leg in call.legs.iter().rev().filter(|l| l.party == Party::Number) {
            let Some(number) = leg.number.as_deref() else { continue };
            if told.iter().all(|(n, _)| phone_digits(n) != phone_digits(number)) {
                let state = LineCallState { conversation_id, state: call.number_state(leg.id) };
                told.push((number.to_owned(), state));
            }
        }
        told
    }

    /// The leg of the number `digits` dialled that takes part or rings.
    fn number_leg(&self, digits: &str) -> Option<LegId> {
        let dialled = |l: &&hovor_types::voice::Leg| {
            l.party == Party::Number
                && l.state != LegState::Left
                && l.number.as_deref().is_some_and(|n| phone_digits(n) == digits)
        };
        self.call.legs.iter().find(dialled).map(|l| l.id)
    }

    /// The ringing leg of the customer or a number whose digits are `digits`.
    fn ringing(&self, digits: &str) -> Option<(LegId, Party)> {
        self.call
            .legs
            .iter()
            .filter(|l| l.state == LegState::Ringing && matches!(l.party, Party::Customer | Party::Number))
            .find(|l| l.number.as_deref().is_some_and(|n| phone_digits(n) == digits))
            .map(|l| (l.id, l.party))
    }

    /// The agents on the call (present or having just left), to tell about a change.
    fn agents(&self) -> Vec<i64> {
        let mut users: Vec<i64> = self.call.legs.iter().filter_map(|l| l.user_id).collect();
        users.sort_unstable();
        users.dedup();
        users
    }
}

/// The user's leg of the call.
fn own_leg(call: &Call, user_id: i64) -> Result<LegId, CallRefusal> {
    call.leg_of_user(user_id).map(|l| l.id).ok_or(CallRefusal::NoSuchLeg)
}

/// A recording began or ended with a change: its file in the recordings directory.
pub enum RecordingChange {
    Started(String),
    Stopped(String),
}

/// What a change did, for the events the caller's work sends.
pub struct Changed {
    /// A recording began or ended: stored with the change.
    pub recording: Option<RecordingChange>,
    pub conversation_id: i64,
    /// The agents on the call.
    agents: Vec<i64>,
    /// The agent in control now, if any.
    pub primary: Option<i64>,
    /// The other agents talking on the call (consulted or conferenced).
    pub helpers: Vec<i64>,
    phone: PhoneState,
    /// The call is over: the conversation ends with it.
    pub ended: bool,
    /// No agent is on the call any more, only the customer and a number it was sent to: the
    /// conversation ends for Hovor while they talk on.
    pub left_to_numbers: bool,
    /// The call's state for each number taking part, for its phone's line.
    numbers: Vec<(String, LineCallState)>,
}

impl Changed {
    /// Stores a recording that began or ended, and tells every agent on the call, the customer's
    /// phone and the lines of the numbers on it.
    pub async fn publish(self, work: &mut Work) -> AppResult<()> {
        let conversation_id = self.conversation_id;
        match &self.recording {
            Some(RecordingChange::Started(file)) => {
                sqlx::query("INSERT INTO recordings (conversation_id, file, started_at) VALUES ($1, $2, $3)")
                    .bind(conversation_id)
                    .bind(file)
                    .bind(work.now)
                    .execute(&mut *work.tx)
                    .await?;
            }
            Some(RecordingChange::Stopped(file)) => {
                sqlx::query("UPDATE recordings SET ended_at = $1 WHERE file = $2")
                    .bind(work.now)
                    .bind(file)
                    .execute(&mut *work.tx)
                    .await?;
            }
            None => {}
        }
        for user_id in self.agents {
            work.emit(Audience::User(user_id), ServerEvent::CallChanged { conversation_id }).await?;
        }
        for (number, state) in self.numbers {
            super::lines::tell(work, &number, LineNews::State(state)).await?;
        }
        let phone = ServerEvent::PhoneChanged { conversation_id: self.conversation_id, state: self.phone };
        work.emit(Audience::Customer(self.conversation_id), phone).await
    }
}

/// The registry, shared by every request of this instance.
#[derive(Clone)]
pub struct Calls {
    switch: Switch,
    live: Arc<Mutex<HashMap<i64, Live>>>,
    /// This instance's name (`--instance`): each call's conversation records it, so that the instance
    /// started again in its place ends the calls it held.
    host: Arc<str>,
    /// Where recordings are written.
    recordings: Arc<std::path::Path>,
}

impl Calls {
    /// `recordings`: the directory recordings are written to (created when missing).
    pub fn new(switch: Switch, host: &str, recordings: &std::path::Path) -> std::io::Result<Calls> {
        std::fs::create_dir_all(recordings)?;
        Ok(Calls { switch, live: Arc::default(), host: host.into(), recordings: recordings.into() })
    }

    /// The directory recordings are written to.
    pub fn recordings(&self) -> &std::path::Path {
        &self.recordings
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn switch(&self) -> &Switch {
        &self.switch
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Live>> {
        // A panic while holding it leaves the map as consistent as any single change does.
        self.live.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A customer called a queue: their phone (`offer`) is connected and hears the queue's music.
    /// `number` is the caller's number as the desks may see it (masked where the queue says so).
    /// Returns the phone's answer.
    pub fn dial(
        &self,
        conversation_id: i64,
        number: &str,
        offer: &str,
        recording: RecordingSetting,
    ) -> AppResult<String> {
        let (peer, answer) = self
            .switch
            .connect(offer)
            .map_err(|_| AppError::Validation(FieldError::new("sdp", Rule::Malformed)))?;
        let call = Call::inbound(number, recording.record);
        let customer = call.customer().map_or(0, |c| c.id);
        let live = Live {
            call,
            peers: HashMap::from([(customer, peer)]),
            ringing: HashMap::new(),
            connected_at: None,
            recorder: None,
            pause_ms: recording.pause_ms,
            names: HashMap::new(),
        };
        live.route(&self.switch);
        self.lock().insert(conversation_id, live);
        Ok(answer)
    }

    /// An agent calls a customer's `number` (Start call): the agent is on the call at once and the
    /// customer's phone rings.
    pub fn place(&self, conversation_id: i64, agent: CallAgent, number: &str, recording: RecordingSetting) {
        let user_id = agent.user_id;
        let live = Live {
            call: Call::outbound(user_id, number, recording.record),
            peers: HashMap::new(),
            ringing: HashMap::new(),
            connected_at: None,
            recorder: None,
            pause_ms: recording.pause_ms,
            names: HashMap::from([(user_id, agent)]),
        };
        self.lock().insert(conversation_id, live);
    }

    /// The called phone, on the line with `digits`, answers with its audio `offer`: the customer (or
    /// the number a consult or transfer called) is on the call. Returns the phone's answer. 409
    /// `no_call` when no such call rings that number.
    pub fn phone_answers(
        &self,
        conversation_id: i64,
        digits: &str,
        offer: &str,
        now: Millis,
    ) -> AppResult<(String, Changed)> {
        if self.ringing_party(conversation_id, digits).is_none() {
            return Err(AppError::Conflict(Reason::NoCall));
        }
        let (peer, answer) = self
            .switch
            .connect(offer)
            .map_err(|_| AppError::Validation(FieldError::new("sdp", Rule::Malformed)))?;
        let changed = self.change(conversation_id, |live| {
            let (leg, party) = live.ringing(digits).ok_or(CallRefusal::WrongState)?;
            live.call.apply(Actor::Leg(leg), Action::Answer { leg })?;
            live.peers.insert(leg, peer);
            if party == Party::Customer {
                live.connected_at.get_or_insert(now);
            }
            Ok(())
        });
        match changed {
            Ok(Some(changed)) => Ok((answer, changed)),
            other => {
                let _ = self.switch.remove(peer);
                Err(other.err().unwrap_or(AppError::Conflict(Reason::NoCall)))
            }
        }
    }

    /// A paused recording's time is up: it records again, unless the pause was already ended (or
    /// another began). `None` when nothing changed.
    pub fn resume_recording(&self, conversation_id: i64, paused_until: Millis) -> AppResult<Option<Changed>> {
        let still = self
            .lock()
            .get(&conversation_id)
            .is_some_and(|live| live.call.recording == Recording::Paused { until: paused_until });
        if !still {
            return Ok(None);
        }
        self.change(conversation_id, |live| live.call.apply(Actor::Server, Action::ResumeRecording))
    }

    /// The leg a consult, or a transfer to a number, rings while it rings.
    pub fn ringing_callee(&self, conversation_id: i64) -> Option<LegId> {
        self.lock().get(&conversation_id).and_then(|live| {
            let callee = |l: &&hovor_types::voice::Leg| {
                l.state == LegState::Ringing && matches!(l.role, Role::Consulted | Role::Conferenced)
            };
            live.call.legs.iter().find(callee).map(|l| l.id)
        })
    }

    /// A consult or a transfer to a number rang `leg` unanswered for too long: it stops ringing.
    /// `None` when it was answered or called off meanwhile.
    pub fn stop_ringing(&self, conversation_id: i64, leg: LegId) -> AppResult<Option<Changed>> {
        let changed = self.change(conversation_id, |live| {
            // Checked under the lock: an answer a moment ago keeps the leg.
            if live.call.leg(leg).map(|l| l.state) != Some(LegState::Ringing) {
                return Err(CallRefusal::WrongState);
            }
            live.call.apply(Actor::Server, Action::Leave { leg })
        });
        match changed {
            Err(AppError::Conflict(_)) => Ok(None),
            other => other,
        }
    }

    /// The pause a recording is in, if any: until when.
    pub fn paused_until(&self, conversation_id: i64) -> Option<Millis> {
        self.lock().get(&conversation_id).and_then(|live| match live.call.recording {
            Recording::Paused { until } => Some(until),
            _ => None,
        })
    }

    /// Whom the call rings on the line with `digits`: its customer, or a number it consults or was
    /// transferred to.
    pub fn ringing_party(&self, conversation_id: i64, digits: &str) -> Option<Party> {
        self.lock().get(&conversation_id).and_then(|live| live.ringing(digits)).map(|(_, party)| party)
    }

    /// The number on the line with `digits` hangs up, or declines the call ringing it. `None` when
    /// that number is not on the call.
    pub fn number_left(&self, conversation_id: i64, digits: &str) -> AppResult<Option<Changed>> {
        let on_call = self.lock().get(&conversation_id).is_some_and(|live| live.number_leg(digits).is_some());
        if !on_call {
            return Ok(None);
        }
        self.change(conversation_id, |live| {
            let leg = live.number_leg(digits).ok_or(CallRefusal::NoSuchLeg)?;
            live.call.apply(Actor::Leg(leg), Action::Leave { leg })
        })
    }

    /// Forgets a call whose conversation could not be stored.
    pub fn drop_call(&self, conversation_id: i64) {
        if let Some(live) = self.lock().remove(&conversation_id) {
            self.hang_up_peers(&live);
        }
    }

    /// The agent accepted the call's offer: their leg rings and answers at once (the desk connects its
    /// audio right after). `None` when this instance has no such call.
    pub fn answer(&self, conversation_id: i64, agent: CallAgent, now: Millis) -> AppResult<Option<Changed>> {
        let user_id = agent.user_id;
        let switch = &self.switch;
        self.change(conversation_id, |live| {
            live.call.apply(Actor::Server, Action::Offer { user_id })?;
            live.names.insert(user_id, agent);
            let leg = own_leg(&live.call, user_id)?;
            live.call.apply(Actor::Leg(leg), Action::Answer { leg })?;
            live.connected_at.get_or_insert(now);
            // The desk that connected while the call rang is on the call now; any other ringing
            // desk's connection is of no more use.
            for (ringing_user, peer) in live.ringing.drain() {
                if ringing_user == user_id {
                    if let Some(old) = live.peers.insert(leg, peer) {
                        let _ = switch.remove(old);
                    }
                } else {
                    let _ = switch.remove(peer);
                }
            }
            Ok(())
        })
    }

    /// The agent's control pane asks for a change; `callee` names the agent a consult calls (a consult
    /// to a queue is turned into one to its agent first).
    pub fn command(
        &self,
        conversation_id: i64,
        user_id: i64,
        command: CallCommand,
        callee: Option<CallAgent>,
    ) -> AppResult<Changed> {
        self.change(conversation_id, |live| {
            let own = own_leg(&live.call, user_id)?;
            let action = match command.action(&live.call, own).ok_or(CallRefusal::WrongState)? {
                Action::PauseRecording { .. } => Action::PauseRecording { until: now_ms() + live.pause_ms },
                action => action,
            };
            live.call.apply(Actor::Leg(own), action)?;
            if let Some(callee) = callee {
                live.names.insert(callee.user_id, callee);
            }
            Ok(())
        })?
        .ok_or(AppError::Conflict(Reason::NoCall))
    }

    /// The agent in control sends the customer on without a consult (the conversation's Transfer):
    /// the agent leaves and the customer waits with the queue's music until routing rings the next
    /// agent, or until the number `callee` answers. `None` when this instance has no such call.
    pub fn blind_transfer(
        &self,
        conversation_id: i64,
        user_id: i64,
        callee: Option<Callee>,
    ) -> AppResult<Option<Changed>> {
        self.change(conversation_id, |live| {
            let own = own_leg(&live.call, user_id)?;
            live.call.apply(Actor::Leg(own), Action::BlindTransfer { callee })
        })
    }

    /// The agent in control ends the call for everyone (End conversation). `None` when this instance
    /// has no such call (over already, or switched before a restart).
    pub fn end(&self, conversation_id: i64, user_id: i64) -> AppResult<Option<Changed>> {
        self.change(conversation_id, |live| {
            let own = own_leg(&live.call, user_id)?;
            live.call.apply(Actor::Leg(own), Action::End)
        })
    }

    /// A supervisor starts listening to the call (`coach: false`) or coaching its agent, or switches
    /// between the two; their desk connects its audio right after. `None` when this instance has no
    /// such call.
    pub fn monitor(
        &self,
        conversation_id: i64,
        supervisor: CallAgent,
        coach: bool,
    ) -> AppResult<Option<Changed>> {
        let user_id = supervisor.user_id;
        self.change(conversation_id, |live| {
            match live.call.leg_of_user(user_id).map(|l| l.id) {
                Some(leg) => live.call.apply(Actor::Leg(leg), Action::Coach { leg, on: coach })?,
                None => live.call.apply(Actor::Server, Action::Monitor { user_id, coach })?,
            }
            live.names.insert(user_id, supervisor);
            Ok(())
        })
    }

    /// A monitoring supervisor joins the call as a party: it becomes a conference.
    pub fn barge_in(&self, conversation_id: i64, user_id: i64) -> AppResult<Option<Changed>> {
        self.change(conversation_id, |live| {
            let own = own_leg(&live.call, user_id)?;
            live.call.apply(Actor::Leg(own), Action::BargeIn { leg: own })
        })
    }

    /// A monitoring supervisor stops listening or coaching (a supervisor who barged in leaves as
    /// any party does, with Exit).
    pub fn stop_monitoring(&self, conversation_id: i64, user_id: i64) -> AppResult<Option<Changed>> {
        self.change(conversation_id, |live| {
            let own = live.call.leg_of_user(user_id).filter(|l| !l.role.is_participant());
            let own = own.map(|l| l.id).ok_or(CallRefusal::NoSuchLeg)?;
            live.call.apply(Actor::Leg(own), Action::Leave { leg: own })
        })
    }

    /// The customer hung up (or their phone's connection was lost).
    pub fn customer_left(&self, conversation_id: i64) -> AppResult<Option<Changed>> {
        self.change(conversation_id, |live| {
            let customer = live.call.customer().map(|c| c.id).ok_or(CallRefusal::NoSuchLeg)?;
            live.call.apply(Actor::Leg(customer), Action::Leave { leg: customer })
        })
    }

    /// Connects an agent's desk audio to their leg, replacing the connection of an earlier page (a
    /// reload). `offered`: the call is offered to this agent now (the routing's word), and a desk
    /// with no leg yet connects while it rings, so that Accept is heard at once. Returns the desk's
    /// answer.
    pub fn join(&self, conversation_id: i64, user_id: i64, offered: bool, offer: &str) -> AppResult<String> {
        let mut calls = self.lock();
        let live = calls.get_mut(&conversation_id).ok_or(AppError::Conflict(Reason::NoCall))?;
        // A leg that rings (a consult) takes the connection at once: it hears nothing and is heard
        // by no one (`Call::hears`) until it answers.
        let leg = live.call.leg_of_user(user_id).map(|l| l.id);
        if leg.is_none() && !offered {
            return Err(AppError::Conflict(Reason::CallRefused));
        }
        let (peer, answer) = self
            .switch
            .connect(offer)
            .map_err(|_| AppError::Validation(FieldError::new("sdp", Rule::Malformed)))?;
        let old = match leg {
            Some(leg) => live.peers.insert(leg, peer),
            None => live.ringing.insert(user_id, peer),
        };
        if let Some(old) = old {
            let _ = self.switch.remove(old);
        }
        live.route(&self.switch);
        Ok(answer)
    }

    /// The agent's desk lets go of its audio (its page is closing or reloading): their leg stays on
    /// the call, and the customer hears hold music until a desk joins again. Nothing to do when the
    /// call is over.
    pub fn leave_audio(&self, conversation_id: i64, user_id: i64) -> AppResult<()> {
        let mut calls = self.lock();
        let Some(live) = calls.get_mut(&conversation_id) else { return Ok(()) };
        if let Some(peer) = live.ringing.remove(&user_id) {
            let _ = self.switch.remove(peer);
            return Ok(());
        }
        let leg = own_leg(&live.call, user_id).map_err(|refusal| AppError::Conflict(refusal.into()))?;
        if let Some(peer) = live.peers.remove(&leg) {
            let _ = self.switch.remove(peer);
            live.route(&self.switch);
        }
        Ok(())
    }

    /// The call as this user's desk sees it.
    pub fn view(&self, conversation_id: i64, user_id: i64) -> Option<CallView> {
        self.lock().get(&conversation_id).map(|live| live.view(conversation_id, Some(user_id)))
    }

    /// The call as the customer's phone shows it.
    pub fn phone_state(&self, conversation_id: i64) -> Option<PhoneState> {
        self.lock().get(&conversation_id).map(|live| live.call.phone_state())
    }

    /// The call a peer belongs to and its leg's party (with a number's digits), for a connection
    /// that went away.
    pub fn peer_gone(&self, peer: PeerId) -> Option<(i64, Party, Option<String>)> {
        let mut calls = self.lock();
        let (&conversation_id, live) =
            calls.iter_mut().find(|(_, l)| l.peers.values().any(|&p| p == peer))?;
        let leg = *live.peers.iter().find(|(_, p)| **p == peer)?.0;
        live.peers.remove(&leg);
        live.route(&self.switch);
        let leg = live.call.leg(leg)?;
        Some((conversation_id, leg.party, leg.number.as_deref().map(phone_digits)))
    }

    fn change(
        &self,
        conversation_id: i64,
        apply: impl FnOnce(&mut Live) -> Result<(), CallRefusal>,
    ) -> AppResult<Option<Changed>> {
        let mut calls = self.lock();
        let Some(live) = calls.get_mut(&conversation_id) else { return Ok(None) };
        apply(live).map_err(|refusal| AppError::Conflict(refusal.into()))?;
        live.hang_up_left(&self.switch);
        let recording = live.follow_recording(conversation_id, &self.switch, &self.recordings);
        live.route(&self.switch);
        let agents = live.agents();
        let (primary, helpers) = live.parties();
        let phone = live.call.phone_state();
        let numbers = live.numbers(conversation_id);
        let left_to_numbers = live.call.left_to_numbers();
        let ended = live.call.mode == Mode::Ended;
        if ended && let Some(live) = calls.remove(&conversation_id) {
            self.hang_up_peers(&live);
        }
        Ok(Some(Changed {
            recording,
            conversation_id,
            agents,
            primary,
            helpers,
            phone,
            ended,
            left_to_numbers,
            numbers,
        }))
    }

    fn hang_up_peers(&self, live: &Live) {
        for &peer in live.peers.values().chain(live.ringing.values()) {
            let _ = self.switch.remove(peer);
        }
    }
}
