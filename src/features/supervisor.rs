//! The supervisor page (`/desk/supervisor`, supervisors and administrators; the `supervisor` chunk and
//! string pack): the queues the supervisor oversees with live counts and today's and the last 30
//! minutes' figures, each defined on tap, and their agents with state, time in state and load, set
//! Available or Idle from here. Built for tablets: 44 px targets, nothing behind a hover. It follows the
//! event stream: an agent's new state comes with its event (`Live::agent_states`) and changes that
//! agent's row alone; a conversation's change or an agent's load reads the board again, once for a
//! burst (`Live::board_changes`), and only the cards and rows that differ are drawn again.

mod agents;
mod monitor;
mod queues;
mod strings;
mod waiting;

use std::sync::Arc;
use std::time::Duration;

use hovor_types::auth::Role;
use hovor_types::supervisor::{AgentBoard, MonitorMode, QueueBoard, SupervisorBoard, WaitingConversation};
use leptos::prelude::*;

use crate::api::ApiError;
use crate::api::supervisor as api;
use crate::components::lazy::{lazy_view, split_view};
use crate::components::strings::load;
use crate::i18n::{t, use_i18n};
use crate::state::live::use_live;
use crate::state::session::{SessionState, use_session};
use strings::SupervisorWords;

stylance::import_crate_style!(css, "src/features/supervisor.module.css");

/// How long the page lets changes gather before it reads the board again.
const SETTLE: Duration = Duration::from_millis(400);

#[component]
pub fn SupervisorRoute() -> impl IntoView {
    lazy_view(supervisor_route)
}

split_view!(supervisor, fn supervisor_route() => view! { <SupervisorGate /> });

/// Shared by the page's parts: the board as last read, what the stream changed since, and the
/// page's words.
#[derive(Clone)]
struct Board {
    board: LocalResource<Result<SupervisorBoard, ApiError>>,
    /// The board's agents with the states the stream announced after it was read.
    agents: Memo<Vec<AgentBoard>>,
    queues: Memo<Vec<QueueBoard>>,
    waiting: Memo<Vec<WaitingConversation>>,
    /// Milliseconds the server's clock is ahead of this browser's.
    skew: Memo<i64>,
    words: Arc<SupervisorWords>,
    /// What the last action said; kept while the board is read again.
    said: RwSignal<Option<String>>,
    /// The figure whose definition is open (`queue/window/figure`), kept likewise.
    defined: RwSignal<Option<String>>,
    /// The conversation being monitored, and how.
    monitoring: RwSignal<Option<(monitor::Watched, MonitorMode)>>,
}

/// What the page shows: once the board is read, it stays on screen while it is read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Loading,
    Failed,
    Empty,
    Ready,
}

#[component]
fn SupervisorGate() -> impl IntoView {
    let i18n = use_i18n();
    let words = load::<SupervisorWords>("supervisor");
    let allowed =
        matches!(use_session().0.get_untracked(), SessionState::SignedIn(me) if me.role != Role::Agent);
    move || {
        match words.get() {
        None => view! { <p class=css::note role="status">{t!(i18n, pane.loading)}</p> }.into_any(),
        Some(None) => view! { <p class=css::note role="alert">{t!(i18n, pane.error)}</p> }.into_any(),
        Some(Some(w)) if !allowed => {
            view! { <p class=css::note role="alert" data-testid="supervisor-forbidden">{w.forbidden.clone()}</p> }.into_any()
        }
        Some(Some(w)) => view! { <SupervisorPage words=w /> }.into_any(),
    }
    }
}

/// The browser's local midnight: where "today" starts.
fn local_midnight() -> i64 {
    let date = js_sys::Date::new_0();
    date.set_hours(0);
    date.set_minutes(0);
    date.set_seconds(0);
    date.set_milliseconds(0);
    date.get_time() as i64
}

#[component]
fn SupervisorPage(words: Arc<SupervisorWords>) -> impl IntoView {
    let live = use_live();
    let board = LocalResource::new(move || api::board(local_midnight()));
    let pending = StoredValue::new(false);
    Effect::new(move |first: Option<()>| {
        live.board_changes.track();
        live.generation.track();
        if first.is_some() && !pending.get_value() {
            pending.set_value(true);
            set_timeout(
                move || {
                    pending.set_value(false);
                    board.refetch();
                },
                SETTLE,
            );
        }
    });
    let agents = Memo::new(move |_| {
        let mut agents = read(board, |b| b.agents.clone()).unwrap_or_default();
        live.agent_states.with(|states| {
            for agent in &mut agents {
                if let Some(status) = states.get(&agent.user_id) {
                    agent.follow(status);
                }
            }
        });
        agents
    });
    let shared = Board {
        board,
        agents,
        queues: Memo::new(move |_| read(board, |b| b.queues.clone()).unwrap_or_default()),
        waiting: Memo::new(move |_| read(board, |b| b.waiting.clone()).unwrap_or_default()),
        skew: Memo::new(move |_| read(board, skew).unwrap_or(0)),
        words: words.clone(),
        said: RwSignal::new(None),
        defined: RwSignal::new(None),
        monitoring: RwSignal::new(None),
    };
    // Monitoring survives a reload (or another language): the board says what this supervisor
    // follows, and the panel opens on it again.
    let monitoring = shared.monitoring;
    Effect::new(move |_| {
        let Some(Some(followed)) = read(board, |b| b.monitoring.first().copied()) else { return };
        if monitoring.with_untracked(Option::is_some) {
            return;
        }
        let watched = agents.with_untracked(|agents| {
            agents.iter().find_map(|a| {
                let c = a.conversations.iter().find(|c| c.conversation_id == followed.conversation_id)?;
                Some(monitor::Watched {
                    conversation: c.clone(),
                    agent_id: a.user_id,
                    agent_name: a.name.clone(),
                })
            })
        });
        if let Some(watched) = watched {
            monitoring.set(Some((watched, followed.mode)));
        }
    });
    let phase = Memo::new(move |before: Option<&Phase>| {
        board.with(|b| match b {
            None => before.copied().unwrap_or(Phase::Loading),
            Some(Ok(b)) if b.queues.is_empty() => Phase::Empty,
            Some(Ok(_)) => Phase::Ready,
            Some(Err(_)) => Phase::Failed,
        })
    });
    let content = {
        let shared = shared.clone();
        move || {
            match phase.get() {
            Phase::Loading => ().into_any(),
            Phase::Empty => {
                view! { <p class=css::note data-testid="supervisor-empty">{shared.words.no_queues.clone()}</p> }.into_any()
            }
            Phase::Failed => view! { <p class=css::note role="alert">{t!(use_i18n(), pane.error)}</p> }.into_any(),
            Phase::Ready => view! {
                <queues::QueueCards shared=shared.clone() />
                <waiting::WaitingList shared=shared.clone() />
                <agents::AgentList shared=shared.clone() />
            }
            .into_any(),
        }
        }
    };
    view! {
        <main class=css::page data-testid="supervisor" data-state=move || if phase.get() == Phase::Loading { "loading" } else { "ready" }>
            <h2 class=css::title>{words.title.clone()}</h2>
            <monitor::MonitorPanel shared=shared.clone() />
            {content}
        </main>
    }
}

/// A part of the board as last read, if it was.
fn read<T>(
    board: LocalResource<Result<SupervisorBoard, ApiError>>,
    part: impl Fn(&SupervisorBoard) -> T,
) -> Option<T> {
    board.with(|b| b.as_ref().and_then(|b| b.as_ref().ok()).map(part))
}

/// Milliseconds the server's clock is ahead of this browser's, from a board read at `at`.
fn skew(board: &SupervisorBoard) -> i64 {
    board.at - js_sys::Date::now() as i64
}
