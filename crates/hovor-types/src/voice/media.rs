//! Who hears whom: the whole media policy of a call, as one pure function the switch follows.

use serde::{Deserialize, Serialize};

use super::call::{Call, LegId, LegState, Mode, Recording, Role};

/// What a party's loudspeaker (or the recorder) gets: another leg's microphone or a server tone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    Leg {
        leg: LegId,
    },
    /// Waiting in a queue.
    QueueMusic,
    /// Held by the agent.
    HoldMusic,
}

/// A consult splits the call in two: the primary agent and the consulted party talk in the consult
/// room while the rest of the call (a held customer, other conference parties) stays in the main one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Room {
    Main,
    Consult,
}

impl Call {
    fn room(&self, id: LegId) -> Room {
        if self.mode != Mode::Consult {
            return Room::Main;
        }
        let Some(leg) = self.leg(id) else { return Room::Main };
        match leg.role {
            Role::Consulted => Room::Consult,
            // With the consulted party unless the agent went back to the customer.
            Role::Primary if self.customer().is_some_and(|c| c.state == LegState::Active) => Room::Main,
            Role::Primary => Room::Consult,
            _ => Room::Main,
        }
    }

    fn talkers_in(&self, room: Room, except: LegId) -> impl Iterator<Item = Source> + '_ {
        self.legs
            .iter()
            .filter(move |l| l.id != except && l.is_talking() && self.room(l.id) == room)
            .map(|l| Source::Leg { leg: l.id })
    }

    /// What the party on leg `id` hears now; empty is silence. Sorted, so equal policies compare equal.
    pub fn hears(&self, id: LegId) -> Vec<Source> {
        let Some(leg) = self.leg(id) else { return Vec::new() };
        if self.mode == Mode::Ended || !leg.is_present() {
            return Vec::new();
        }
        let mut sources: Vec<Source> = match (leg.role, leg.state) {
            (Role::Customer, _) if self.mode == Mode::Waiting => vec![Source::QueueMusic],
            (_, LegState::Held) => vec![Source::HoldMusic],
            // Supervisors hear every party that talks, in both rooms of a consult.
            (Role::Listener | Role::Coach, _) => {
                self.legs.iter().filter(|l| l.is_talking()).map(|l| Source::Leg { leg: l.id }).collect()
            }
            (role, _) => {
                let mut heard: Vec<Source> = self.talkers_in(self.room(id), id).collect();
                if role == Role::Primary {
                    // A coach whispers to the agent in control, and to no one else.
                    let coaches =
                        self.legs.iter().filter(|l| l.role == Role::Coach && l.state == LegState::Active);
                    heard.extend(coaches.filter(|l| !l.muted).map(|l| Source::Leg { leg: l.id }));
                }
                heard
            }
        };
        sources.sort();
        sources
    }

    /// What the recording takes in now: the call as the customer's side of it sounds (the main room's
    /// talkers); nothing while paused, while the customer is held (what agents say off the line is
    /// not the customer's conversation), before the customer is connected or after the call.
    pub fn recorded(&self) -> Vec<Source> {
        if self.recording != Recording::On || matches!(self.mode, Mode::Waiting | Mode::Ended) {
            return Vec::new();
        }
        if self.customer().is_some_and(|c| c.state == LegState::Held) {
            return Vec::new();
        }
        let mut sources: Vec<Source> = self
            .legs
            .iter()
            .filter(|l| l.is_talking() && self.room(l.id) == Room::Main)
            .map(|l| Source::Leg { leg: l.id })
            .collect();
        sources.sort();
        sources
    }
}
