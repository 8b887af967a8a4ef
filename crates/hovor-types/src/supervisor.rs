//! The supervisor's view of their queues and agents: what the server counts and the formulas that
//! turn counts into figures, written once so the page, the API and the docs agree.
//!
//! A conversation's time in a queue is a *segment*: it opens when the conversation enters the queue
//! (a new chat, email or call, a transfer, a callback's window) and closes when an agent accepts it
//! (answered), the customer leaves before that (abandoned), or it moves to another queue
//! (transferred). Figures for a window count the segments that *closed* in it, so work still waiting
//! never counts as a failure.

use serde::{Deserialize, Serialize};

use crate::Millis;
use crate::routing::{AgentState, AgentStatus, IdleReason};

mod intervention;
pub use intervention::*;

/// An abandon within this long of entering the queue is a *short abandon*: a misdial or a customer who
/// changed their mind, left out of the service level.
pub const SHORT_ABANDON_MS: Millis = 5_000;
/// The rolling window of the "last 30 minutes" figures.
pub const RECENT_MS: Millis = 30 * 60_000;
/// A queue's service-level threshold unless its administrator sets one (the voice convention).
pub const DEFAULT_SL_SECONDS: u32 = 20;

/// What the server counts for a queue over a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueCounts {
    /// Segments answered (accepted by an agent).
    pub answered: u32,
    /// … of which within the queue's threshold.
    pub answered_within: u32,
    /// Segments the customer left before an agent took them.
    pub abandoned: u32,
    /// … of which within [`SHORT_ABANDON_MS`].
    pub short_abandoned: u32,
    /// Sum of the answered segments' waits (entering to accept), for the average speed of answer.
    pub answer_wait_ms: i64,
    /// Activities wrapped up: how many, their handle time (accept to wrap-up) and their focus time.
    pub handled: u32,
    pub handle_ms: i64,
    pub focused_ms: i64,
    /// Offers not answered in time (RONA).
    pub ronas: u32,
}

/// The figures a supervisor reads, `None` where nothing was counted yet.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueFigures {
    /// Answered within the threshold ÷ (answered + abandoned − short abandons), in %.
    pub service_level: Option<f64>,
    /// Average speed of answer: mean wait of answered segments.
    pub asa_ms: Option<Millis>,
    /// Abandoned ÷ (answered + abandoned), in %.
    pub abandon_rate: Option<f64>,
    /// Average handle time: mean of accept → wrap-up.
    pub aht_ms: Option<Millis>,
    /// Average focused handle time: the mean time the agent's desk had the conversation in front.
    pub focused_aht_ms: Option<Millis>,
    pub ronas: u32,
    /// The counts behind the figures, for the definitions shown on tap.
    pub counts: QueueCounts,
}

/// Answered within the threshold ÷ (answered + abandoned − short abandons) × 100 (abandons count
/// against the queue, short abandons do not); `None` when the divisor is 0.
pub fn service_level(counts: &QueueCounts) -> Option<f64> {
    let divisor =
        i64::from(counts.answered) + i64::from(counts.abandoned) - i64::from(counts.short_abandoned);
    (divisor > 0).then(|| f64::from(counts.answered_within) * 100.0 / divisor as f64)
}

fn mean(total: i64, n: u32) -> Option<Millis> {
    (n > 0).then(|| total / i64::from(n))
}

impl QueueCounts {
    pub fn figures(self) -> QueueFigures {
        let offered = self.answered + self.abandoned;
        QueueFigures {
            service_level: service_level(&self),
            asa_ms: mean(self.answer_wait_ms, self.answered),
            abandon_rate: (offered > 0).then(|| f64::from(self.abandoned) * 100.0 / f64::from(offered)),
            aht_ms: mean(self.handle_ms, self.handled),
            focused_aht_ms: mean(self.focused_ms, self.handled),
            ronas: self.ronas,
            counts: self,
        }
    }
}

/// A queue as the supervisor page shows it: live counts now, figures for today and the last 30
/// minutes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueBoard {
    pub queue_id: i64,
    pub name: String,
    pub sl_seconds: u32,
    /// Waiting for an agent, not offered yet.
    pub waiting: u32,
    /// Offered to an agent who has not answered (ringing).
    pub ringing: u32,
    /// When the longest-waiting conversation entered the queue (the page ticks from it).
    pub oldest_entered_at: Option<Millis>,
    /// The queue's agents by state: Available, busy (Available at capacity), Idle per reason.
    pub available: u32,
    pub busy: u32,
    pub idle: Vec<IdleCount>,
    pub today: QueueFigures,
    pub recent: QueueFigures,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdleCount {
    pub reason: Option<IdleReason>,
    pub agents: u32,
}

/// An agent as the supervisor page lists them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentBoard {
    pub user_id: i64,
    pub name: String,
    pub state: AgentState,
    pub idle_reason: Option<IdleReason>,
    /// Since when the agent is in this state (the page ticks from it); none for an agent who never
    /// signed in.
    pub since: Option<Millis>,
    /// Open work per channel against the agent's capacity.
    pub load: Vec<ChannelLoad>,
    /// Their conversations now: id, channel, customer, since accepted.
    pub conversations: Vec<AgentConversation>,
    /// Their queues (of the supervisor's).
    pub queue_ids: Vec<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelLoad {
    pub channel: crate::conversation::Channel,
    pub open: u32,
    pub capacity: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentConversation {
    pub conversation_id: i64,
    pub channel: crate::conversation::Channel,
    pub customer_name: Option<String>,
    pub accepted_at: Millis,
    pub queue_id: i64,
}

impl AgentBoard {
    /// Takes a state the event stream announced, unless the board was read after it.
    pub fn follow(&mut self, status: &AgentStatus) {
        if self.since.is_none_or(|since| since <= status.since) {
            self.state = status.state;
            self.idle_reason = status.idle_reason;
            self.since = Some(status.since);
        }
    }
}

/// A queue's agents by state: Available with a free slot, busy (Available at capacity in every
/// channel) and Idle per reason. Counted the same by the server for the board and by the page as
/// states change.
pub fn agents_by_state<'a>(members: impl Iterator<Item = &'a AgentBoard>) -> (u32, u32, Vec<IdleCount>) {
    let (mut available, mut busy, mut idle) = (0, 0, Vec::<IdleCount>::new());
    for agent in members {
        match agent.state {
            AgentState::Available if agent.load.iter().all(|l| l.open >= l.capacity) => busy += 1,
            AgentState::Available => available += 1,
            AgentState::Idle => match idle.iter_mut().find(|i| i.reason == agent.idle_reason) {
                Some(count) => count.agents += 1,
                None => idle.push(IdleCount { reason: agent.idle_reason, agents: 1 }),
            },
        }
    }
    (available, busy, idle)
}

/// The supervisor page at one moment (`GET /api/supervisor/board`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupervisorBoard {
    pub queues: Vec<QueueBoard>,
    pub agents: Vec<AgentBoard>,
    /// The conversations waiting in those queues, the longest-waiting first (at most
    /// [`WAITING_LISTED`] per queue).
    pub waiting: Vec<WaitingConversation>,
    /// The conversations this supervisor monitors now, and how: the page opens them again after a
    /// reload.
    #[serde(default)]
    pub monitoring: Vec<Monitoring>,
    /// The server's clock when counted, so timers tick from the same moment.
    pub at: Millis,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ICMI's worked example: 1,000 answered, 860 of them within the threshold; 60 abandoned, 10 of
    /// them within 5 s.
    fn icmi() -> QueueCounts {
        QueueCounts {
            answered: 1000,
            answered_within: 860,
            abandoned: 60,
            short_abandoned: 10,
            ..Default::default()
        }
    }

    #[test]
    fn the_service_level_counts_abandons_but_not_short_ones() {
        // 860 / (1000 + 60 − 10) = 81.9 %.
        let sl = service_level(&icmi()).unwrap();
        assert!((sl - 81.904).abs() < 0.01, "{sl}");
        // Without short abandons it is ICMI's third formula, 860 / 1060 = 81.1 %.
        let sl = service_level(&QueueCounts { short_abandoned: 0, ..icmi() }).unwrap();
        assert_eq!(sl.round(), 81.0);
        // Every abandon short: answered in threshold ÷ answered (ICMI's second), 86 %.
        let sl = service_level(&QueueCounts { short_abandoned: 60, ..icmi() }).unwrap();
        assert_eq!(sl.round(), 86.0);
        assert_eq!(service_level(&QueueCounts::default()), None);
    }

    fn agent(state: AgentState, idle_reason: Option<IdleReason>, open: u32) -> AgentBoard {
        AgentBoard {
            user_id: 1,
            name: "A".into(),
            state,
            idle_reason,
            since: Some(100),
            load: vec![ChannelLoad { channel: crate::conversation::Channel::Chat, open, capacity: 2 }],
            conversations: vec![],
            queue_ids: vec![1],
        }
    }

    #[test]
    fn agents_count_by_state_and_follow_newer_states_only() {
        let agents = [
            agent(AgentState::Available, None, 0),
            agent(AgentState::Available, None, 2),
            agent(AgentState::Idle, Some(IdleReason::Lunch), 0),
            agent(AgentState::Idle, Some(IdleReason::Lunch), 1),
            agent(AgentState::Idle, Some(IdleReason::Break), 0),
        ];
        let (available, busy, idle) = agents_by_state(agents.iter());
        assert_eq!((available, busy), (1, 1));
        assert_eq!(
            idle,
            [
                IdleCount { reason: Some(IdleReason::Lunch), agents: 2 },
                IdleCount { reason: Some(IdleReason::Break), agents: 1 }
            ]
        );
        let mut a = agent(AgentState::Idle, Some(IdleReason::Lunch), 0);
        a.follow(&AgentStatus { state: AgentState::Available, idle_reason: None, since: 99 });
        assert_eq!(a.state, AgentState::Idle, "older than the board: ignored");
        a.follow(&AgentStatus { state: AgentState::Available, idle_reason: None, since: 150 });
        assert_eq!((a.state, a.since), (AgentState::Available, Some(150)));
    }

    #[test]
    fn the_figures_are_means_and_rates_of_the_counts() {
        let counts = QueueCounts {
            answer_wait_ms: 1000 * 12_000,
            handled: 4,
            handle_ms: 4 * 300_000 + 2,
            focused_ms: 4 * 120_000,
            ronas: 3,
            ..icmi()
        };
        let f = counts.figures();
        assert_eq!(f.asa_ms, Some(12_000));
        assert_eq!(f.abandon_rate.map(|r| (r * 10.0).round() / 10.0), Some(5.7));
        assert_eq!(f.aht_ms, Some(300_000));
        assert_eq!(f.focused_aht_ms, Some(120_000));
        assert_eq!(f.ronas, 3);
        let empty = QueueCounts::default().figures();
        assert_eq!((empty.asa_ms, empty.abandon_rate, empty.aht_ms), (None, None, None));
    }
}
