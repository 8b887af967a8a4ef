//! The supervisor page (`/desk/supervisor`, supervisors and administrators; the `supervisor` chunk and
//! string pack): the queues the supervisor oversees with live counts and today's and the last 30
//! minutes' figures, each defined on tap, and their agents with state, time in state and load, set
//! Available or Idle from here. Built for tablets: 44 px targets, nothing behind a hover. It follows the
//! event stream (`Live::board_changes`), reading the board again at most once a second.

mod agents;
mod monitor;
mod queues;
mod strings;
mod waiting;

use std::sync::Arc;
use std::time::Duration;

use hovor_types::auth::Role;
use hovor_types::supervisor::SupervisorBoard;
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

/// Shared by the page's parts: the board, its words, and the server's clock ahead of this one's.
#[derive(Clone)]
struct Board {
    board: LocalResource<Result<SupervisorBoard, ApiError>>,
    words: Arc<SupervisorWords>,
    /// What the last action said; kept while the board is read again.
    said: RwSignal<Option<String>>,
    /// The figure whose definition is open (`queue/window/figure`), kept likewise.
    defined: RwSignal<Option<String>>,
    /// The conversation being monitored, and how.
    monitoring: RwSignal<Option<(monitor::Watched, hovor_types::supervisor::MonitorMode)>>,
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
    // Each change in the queues (or lost events) reads the board again, once for a burst of them.
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
    let shared = Board {
        board,
        words: words.clone(),
        said: RwSignal::new(None),
        defined: RwSignal::new(None),
        monitoring: RwSignal::new(None),
    };
    let content = {
        let shared = shared.clone();
        move || {
            let shared = shared.clone();
            board.get().map(move |b| match b {
                Ok(b) if b.queues.is_empty() => {
                    view! { <p class=css::note data-testid="supervisor-empty">{shared.words.no_queues.clone()}</p> }.into_any()
                }
                Ok(b) => view! {
                    <queues::QueueCards board=b.clone() words=shared.words.clone() defined=shared.defined />
                    <waiting::WaitingList board=b.clone() shared=shared.clone() />
                    <agents::AgentList board=b shared=shared.clone() />
                }
                .into_any(),
                Err(_) => view! { <p class=css::note role="alert">{crate::i18n::t!(use_i18n(), pane.error)}</p> }.into_any(),
            })
        }
    };
    view! {
        <main class=css::page data-testid="supervisor" data-state=move || if board.get().is_some() { "ready" } else { "loading" }>
            <h2 class=css::title>{words.title.clone()}</h2>
            <monitor::MonitorPanel shared=shared.clone() />
            {content}
        </main>
    }
}

/// Milliseconds the server's clock is ahead of this browser's, from a board read at `at`.
fn skew(board: &SupervisorBoard) -> i64 {
    board.at - js_sys::Date::now() as i64
}
