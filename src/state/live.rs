//! The desk's one event stream: connects, shows its state, reconnects forever with jittered backoff
//! (resuming after the last event seen), and hands every event to `dispatch`.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use hovor_types::chat::ConversationStatus;
use hovor_types::event::{EventEnvelope, RESYNC, ServerEvent};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{EventSource, MessageEvent};

use crate::api::{ApiError, conversations as conversations_api, session as session_api};
use crate::state::attention::{Attention, page_seen, title_counts};
use crate::state::call_audio::CallAudio;
use crate::state::conversation::OpenConversation;
use crate::state::routing::Routing;
use crate::state::session::{SessionState, use_session};
use hovor_types::conversation::TaskSummary;
use hovor_types::routing::OfferEnd;
use hovor_types::session_data::Tag;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    Connecting,
    Live,
    Reconnecting,
}

/// What the desk's panes need from the stream.
#[derive(Clone, Copy)]
pub struct Live {
    pub connection: RwSignal<Connection>,
    /// The conversation on screen, registered by it while mounted.
    pub open: RwSignal<Option<OpenConversation>, LocalStorage>,
    /// The newest message of each conversation since the task list was loaded: its rows show it
    /// without asking the server again.
    pub last_messages: RwSignal<HashMap<i64, String>>,
    /// Each conversation's tags as the stream last announced them, newer than the task list's.
    pub tags: RwSignal<HashMap<i64, Vec<Tag>>>,
    /// Bumped when the agent's work changed: accepted, ended, transferred or wrapped up.
    pub assignments_changed: RwSignal<u32>,
    /// The agent's task list, loaded again when their work changes; shared by the list and the
    /// conversation on screen, so opening a conversation asks nothing of it.
    pub tasks: LocalResource<Result<Vec<TaskSummary>, ApiError>>,
    /// Bumped when events were lost (`resync`): everything on screen reloads.
    pub generation: RwSignal<u32>,
    /// Bumped by each change in the user's queues that the supervisor page reads the board again for
    /// (a conversation's status, an agent's load).
    pub board_changes: RwSignal<u32>,
    /// The newest state of each agent of the user's queues the stream announced: the supervisor page
    /// shows it without reading the board again.
    pub agent_states: RwSignal<HashMap<i64, hovor_types::routing::AgentStatus>>,
    /// Unread messages and waiting customers per conversation, live.
    pub attention: Attention,
    /// Bumped when an invitation of this agent's changed: the invitations page reloads.
    pub invitations: RwSignal<u32>,
    /// The conversation an invitee opened from the invitations page: its Collaboration pane opens.
    pub collaborate: RwSignal<Option<i64>>,
    pub routing: Routing,
    /// Bumped per conversation when its call changed: the control pane reads it again.
    pub call_changes: RwSignal<HashMap<i64, u32>>,
    /// The headset's connection to the call, kept while the agent moves between conversations.
    pub audio: CallAudio,
    /// Bumped per conversation when a supervisor whispered about it or started or stopped monitoring
    /// it: its supervision strip reads it again.
    pub supervision_changes: RwSignal<HashMap<i64, u32>>,
}

impl Live {
    pub fn work_changed(self) {
        self.assignments_changed.update(|n| *n += 1);
    }

    /// The agent's conversations in the task list's order.
    /// Reads the task list's entry for conversation `id`, tracked.
    pub fn with_task<R>(self, id: i64, f: impl FnOnce(Option<&TaskSummary>) -> R) -> R {
        self.tasks
            .with(|t| f(t.as_ref().and_then(|t| t.as_ref().ok()).and_then(|t| t.iter().find(|t| t.id == id))))
    }

    pub fn task_ids(self) -> Vec<i64> {
        self.tasks.with_untracked(|t| {
            t.as_ref()
                .and_then(|t| t.as_ref().ok())
                .map(|t| t.iter().map(|t| t.id).collect())
                .unwrap_or_default()
        })
    }
}

/// The single place events enter the app; the match is exhaustive on purpose.
fn dispatch(live: Live, envelope: EventEnvelope) {
    crate::state::embed::heard(&envelope.event);
    match envelope.event {
        ServerEvent::MessageCreated { message } => {
            live.last_messages.update(|m| {
                m.insert(message.conversation_id, message.body.clone());
            });
            let open = live.open.get_untracked().filter(|o| o.id == message.conversation_id);
            live.attention.message(&message, open.is_some() && page_seen());
            if let Some(open) = open {
                open.receive(message);
            }
        }
        ServerEvent::Typing { conversation_id, party, typing } => {
            live.routing.typing_changed(conversation_id, party, typing)
        }
        ServerEvent::ConversationChanged { conversation_id, status, .. } => {
            live.board_changes.update(|n| *n += 1);
            // A call ends with its conversation: the headset lets go of it.
            if status == ConversationStatus::Ended {
                live.audio.hang_up(conversation_id);
            }
            if let Some(open) = live.open.get_untracked().filter(|o| o.id == conversation_id) {
                open.ended.set(status == ConversationStatus::Ended);
            }
            // Other agents' conversations in the same queues do not touch this agent's task list.
            let mine = live
                .tasks
                .get_untracked()
                .and_then(Result::ok)
                .is_some_and(|t| t.iter().any(|t| t.id == conversation_id));
            if mine {
                live.work_changed();
            }
        }
        ServerEvent::OfferCreated { offer } => {
            live.routing.offered(offer);
        }
        ServerEvent::OfferEnded { conversation_id, reason } => {
            live.routing.offer_ended(conversation_id, reason);
            // A headset connected while a call rang lets go of it when someone else takes it.
            if reason != OfferEnd::Accepted {
                live.audio.hang_up(conversation_id);
            }
            live.work_changed();
        }
        ServerEvent::StatusChanged { status } => live.routing.status_seen(status),
        // The supervisor page takes an agent's new state as it is; a load changed needs the board.
        ServerEvent::AgentStateChanged { user_id, status } => live.agent_states.update(|states| {
            if states.get(&user_id).is_none_or(|known| known.since <= status.since) {
                states.insert(user_id, status);
            }
        }),
        ServerEvent::WorkloadChanged { .. } => live.board_changes.update(|n| *n += 1),
        ServerEvent::WrappedUp { .. } => live.work_changed(),
        ServerEvent::TagsChanged { conversation_id, tags } => live.tags.update(|t| {
            t.insert(conversation_id, tags);
        }),
        ServerEvent::InvitationChanged { conversation_id, .. } => {
            live.invitations.update(|n| *n += 1);
            if let Some(open) = live.open.get_untracked().filter(|o| o.id == conversation_id) {
                open.collaboration.update(|n| *n += 1);
            }
        }
        ServerEvent::CollaboratorsChanged { conversation_id } => {
            live.work_changed();
            if let Some(open) = live.open.get_untracked().filter(|o| o.id == conversation_id) {
                open.collaboration.update(|n| *n += 1);
            }
        }
        ServerEvent::CallChanged { conversation_id } => {
            bump(live.call_changes, conversation_id);
            // A consult or transfer may have added the call to this agent's work or taken it away.
            live.work_changed();
        }
        // The customer's phone's own news.
        ServerEvent::PhoneChanged { .. } => {}
        ServerEvent::WhisperCreated { conversation_id }
        | ServerEvent::MonitoringChanged { conversation_id } => {
            bump(live.supervision_changes, conversation_id)
        }
        ServerEvent::EmailStatusChanged { conversation_id, .. } => {
            if let Some(open) = live.open.get_untracked().filter(|o| o.id == conversation_id) {
                open.emails.update(|n| *n += 1);
            }
        }
    }
}

fn signs_out(event: &ServerEvent) -> bool {
    matches!(event, ServerEvent::StatusChanged { status } if status.idle_reason == Some(hovor_types::routing::IdleReason::SignedOut))
}

fn bump(changes: RwSignal<HashMap<i64, u32>>, conversation_id: i64) {
    changes.update(|changes| *changes.entry(conversation_id).or_default() += 1);
}

/// The live figures drop what each task list loaded already counts; the tab's title counts what waits
/// for the agent; coming back to the page reads the conversation on screen.
fn watch_attention(live: Live) {
    let attention = live.attention;
    Effect::new(move |_| {
        live.tasks.with(|t| {
            if let Some(Ok(tasks)) = t.as_ref() {
                attention.listed(tasks);
            }
        })
    });
    title_counts(move || {
        let ringing = live.routing.offers.with(Vec::len);
        let unread = live.tasks.with(|t| {
            t.as_ref()
                .and_then(|t| t.as_ref().ok())
                .map_or(0, |t| t.iter().filter(|t| attention.unread(t) > 0).count())
        });
        ringing + unread
    });
    let back = leptos::prelude::window_event_listener(leptos::ev::focus, move |_| {
        let Some(open) = live.open.get_untracked() else { return };
        let task = live.tasks.with_untracked(|t| {
            t.as_ref().and_then(|t| t.as_ref().ok()).and_then(|t| t.iter().find(|t| t.id == open.id).cloned())
        });
        if let Some(task) = task.filter(|t| attention.unread(t) > 0) {
            attention.read_all(&task);
        }
    });
    on_cleanup(move || back.remove());
}

const FIRST_RETRY_MS: f64 = 1_000.0;
const LONGEST_RETRY_MS: f64 = 30_000.0;

struct Stream {
    source: EventSource,
    _handlers: [Closure<dyn FnMut(web_sys::Event)>; 4],
}

/// Opens the stream for the signed-in desk and closes it when the desk goes away.
pub fn provide_live(routing: Routing) -> Live {
    let assignments_changed = RwSignal::new(0);
    let live = Live {
        connection: RwSignal::new(Connection::Connecting),
        open: RwSignal::new_local(None),
        last_messages: RwSignal::new(HashMap::new()),
        tags: RwSignal::new(HashMap::new()),
        assignments_changed,
        tasks: LocalResource::new(move || {
            assignments_changed.track();
            conversations_api::tasks()
        }),
        generation: RwSignal::new(0),
        board_changes: RwSignal::new(0),
        agent_states: RwSignal::new(HashMap::new()),
        invitations: RwSignal::new(0),
        attention: Attention::new(),
        collaborate: RwSignal::new(None),
        routing,
        call_changes: RwSignal::new(HashMap::new()),
        supervision_changes: RwSignal::new(HashMap::new()),
        audio: CallAudio::default(),
    };
    routing.reload();
    provide_context(live);
    watch_attention(live);
    let session = use_session();
    let last_id = Rc::new(Cell::new(None::<i64>));
    let current: Rc<RefCell<Option<Stream>>> = Rc::new(RefCell::new(None));
    let failures = Rc::new(Cell::new(0u32));
    connect(live, session, last_id, current.clone(), failures);
    let current = send_wrapper::SendWrapper::new(current);
    on_cleanup(move || {
        if let Some(stream) = current.borrow_mut().take() {
            stream.source.close();
        }
    });
    live
}

pub fn use_live() -> Live {
    expect_context()
}

fn connect(
    live: Live,
    session: crate::state::session::Session,
    last_id: Rc<Cell<Option<i64>>>,
    current: Rc<RefCell<Option<Stream>>>,
    failures: Rc<Cell<u32>>,
) {
    let after = last_id.get().map(|id| format!("after={id}"));
    if crate::state::embed::token().is_none() {
        let url = after.map_or("/api/events".to_owned(), |after| format!("/api/events?{after}"));
        return open(live, session, last_id, current, failures, &url);
    }
    // The embedded desk's stream opens with a single-use ticket: an EventSource sends no bearer token.
    leptos::task::spawn_local(async move {
        match session_api::stream_ticket().await {
            Ok(ticket) => {
                let query = after.map_or(String::new(), |after| format!("&{after}"));
                open(
                    live,
                    session,
                    last_id,
                    current,
                    failures,
                    &format!("/api/events?ticket={}{query}", ticket.ticket),
                );
            }
            Err(ApiError::Unauthenticated) => session.0.set(SessionState::SignedOut),
            Err(_) => {
                live.connection.set(Connection::Reconnecting);
                gloo_timers::future::sleep(Duration::from_millis(FIRST_RETRY_MS as u64)).await;
                connect(live, session, last_id, current, failures);
            }
        }
    });
}

fn open(
    live: Live,
    session: crate::state::session::Session,
    last_id: Rc<Cell<Option<i64>>>,
    current: Rc<RefCell<Option<Stream>>>,
    failures: Rc<Cell<u32>>,
    url: &str,
) {
    let Ok(source) = EventSource::new(url) else {
        live.connection.set(Connection::Reconnecting);
        return;
    };
    let on_open = {
        let (failures, last_id) = (failures.clone(), last_id.clone());
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            failures.set(0);
            live.connection.set(Connection::Live);
            // The state and offers read at start may predate the stream: a change made in between
            // (another tab set the agent Available) would otherwise never reach this desk.
            if last_id.get().is_none() {
                live.routing.reload();
            }
        })
    };
    let on_message = {
        let last_id = last_id.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            let Some(data) = e.dyn_ref::<MessageEvent>().and_then(|m| m.data().as_string()) else { return };
            if let Ok(envelope) = serde_json::from_str::<EventEnvelope>(&data) {
                last_id.set(Some(envelope.id));
                if signs_out(&envelope.event) {
                    // Signed out elsewhere (by a supervisor): every desk of the agent asks again and
                    // shows the sign-in page.
                    session.check();
                }
                dispatch(live, envelope);
            }
        })
    };
    let on_resync = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        live.routing.reload();
        live.generation.update(|n| *n += 1);
        live.work_changed();
    });
    let on_error = {
        let (last_id, current, failures) = (last_id.clone(), current.clone(), failures.clone());
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            live.connection.set(Connection::Reconnecting);
            let ticketed = crate::state::embed::token().is_some();
            if ticketed && let Some(stream) = current.borrow().as_ref() {
                // Its ticket is spent: the browser's own retry would be refused. Close it and retry
                // here with a new ticket.
                stream.source.close();
            }
            let closed =
                current.borrow().as_ref().is_some_and(|s| s.source.ready_state() == EventSource::CLOSED);
            if !closed {
                return; // the browser retries by itself, sending Last-Event-ID
            }
            // The browser gave up (an HTTP error): retry ourselves, after checking we are still signed in.
            let attempt = failures.get();
            failures.set(attempt + 1);
            let delay = (FIRST_RETRY_MS * 2f64.powi(attempt.min(5) as i32)).min(LONGEST_RETRY_MS)
                * (0.5 + js_sys::Math::random());
            let (last_id, current, failures) = (last_id.clone(), current.clone(), failures.clone());
            leptos::task::spawn_local(async move {
                gloo_timers::future::sleep(Duration::from_millis(delay as u64)).await;
                if let Err(ApiError::Unauthenticated) = session_api::current().await {
                    session.0.set(SessionState::SignedOut);
                    return;
                }
                connect(live, session, last_id, current, failures);
            });
        })
    };
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let _ = source.add_event_listener_with_callback(RESYNC, on_resync.as_ref().unchecked_ref());
    if let Some(old) =
        current.borrow_mut().replace(Stream { source, _handlers: [on_open, on_message, on_resync, on_error] })
    {
        old.source.close();
    }
}
