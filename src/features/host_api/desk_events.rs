//! What the signed-in desk tells its host: the agent's state, offers and their outcome, interactions
//! started (with a screen pop), focused, ended and wrapped up, and what asks for attention. Events
//! carry ids, names and masked phones, never a message's text.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::rc::Rc;

use hovor_types::embed::{
    self, AgentState, InteractionRef, Lookup, MAX_HEIGHT, MIN_HEIGHT, Message, RecordRef,
};
use hovor_types::event::ServerEvent;
use hovor_types::message::Direction;
use hovor_types::routing::{IdleReason, Offer, OfferEnd, PopoverField};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::api::{conversations as conversations_api, routing as routing_api};
use crate::state::embed as page;
use crate::state::live::use_live;

use super::commands::{interaction_of, link_record};
use super::link::{self, HostLink, post};

thread_local! {
    /// Interactions the host has heard started (or that were there when the desk opened).
    static STARTED: RefCell<BTreeSet<i64>> = const { RefCell::new(BTreeSet::new()) };
    /// An interaction on screen before its start was told (an accepted offer opens at once; the task
    /// list that lists it comes a moment later): its focus is told right after its start.
    static FOCUS_WAITING: Cell<Option<i64>> = const { Cell::new(None) };
    /// Interactions that ended while their start was still being told: their end follows it.
    static END_WAITING: RefCell<BTreeSet<i64>> = const { RefCell::new(BTreeSet::new()) };
}

/// How long a focus waits for its interaction's start before it is told anyway.
const FOCUS_WAITS_MS: u32 = 3_000;

/// Posts an event when the host is listening and has had `ready`.
fn tell(message: Message) {
    if link::current().is_some_and(|l| l.connected() && l.ready_told.get_untracked()) {
        post(message, None);
    }
}

#[component]
pub fn DeskEvents() -> impl IntoView {
    let live = use_live();
    link::set_desk(Some(live));
    page::listen(Some(Rc::new(move |event: &ServerEvent| on_event(live, event))));
    on_cleanup(|| {
        link::set_desk(None);
        page::listen(None);
    });

    // The agent's state, each change once (a read and an event may bring the same one); the state the
    // desk started with is `ready`'s.
    Effect::new(move |told: Option<Option<i64>>| {
        let status = live.routing.status.get();
        let since = status.as_ref().map(|s| s.since);
        if let Some(status) = status.filter(|_| told.flatten().is_some_and(|t| Some(t) != since)) {
            tell(Message::AgentStateChanged { state: AgentState::from(&status) });
        }
        since
    });

    // Interactions arriving in the task list, and leaving the agent's hands (ended, or handed over).
    Effect::new(move |known: Option<Option<BTreeSet<i64>>>| {
        let known = known.flatten();
        let Some(Ok(tasks)) = live.tasks.get() else { return known };
        let handling: BTreeSet<i64> =
            tasks.iter().filter(|t| !t.needs_wrap_up && !t.collaborating).map(|t| t.id).collect();
        match &known {
            Some(was_handling) => {
                for task in tasks.iter().filter(|t| handling.contains(&t.id) && !was_handling.contains(&t.id))
                {
                    started(interaction_of(task));
                }
                for &id in was_handling.difference(&handling) {
                    if STARTED.with(|s| s.borrow().contains(&id)) {
                        tell(Message::InteractionEnded { interaction_id: id });
                    } else {
                        END_WAITING.with(|e| e.borrow_mut().insert(id));
                    }
                }
            }
            // What the desk opened with, `ready` listed.
            None => STARTED.with(|s| s.borrow_mut().extend(tasks.iter().map(|t| t.id))),
        }
        Some(handling)
    });

    // The interaction on screen, after its start.
    Effect::new(move |told: Option<Option<i64>>| {
        let focused = live.open.with(|o| o.as_ref().map(|o| o.id));
        if told.as_ref() == Some(&focused) {
            return focused;
        }
        match focused {
            Some(id) if !STARTED.with(|s| s.borrow().contains(&id)) => {
                FOCUS_WAITING.with(|w| w.set(Some(id)));
                spawn_local(async move {
                    gloo_timers::future::sleep(std::time::Duration::from_millis(u64::from(FOCUS_WAITS_MS)))
                        .await;
                    focus_told(id);
                });
            }
            _ => {
                FOCUS_WAITING.with(|w| w.set(None));
                tell(Message::InteractionFocused { interaction_id: focused });
            }
        }
        focused
    });
}

/// Tells the focus that waited for interaction `id`, once.
fn focus_told(id: i64) {
    if FOCUS_WAITING.with(|w| w.get()) == Some(id) {
        FOCUS_WAITING.with(|w| w.set(None));
        tell(Message::InteractionFocused { interaction_id: Some(id) });
    }
}

/// `interactionStarted` (the phone masked), then asks the host to pop the customer's record by its keys.
fn started(mut interaction: InteractionRef) {
    let id = interaction.interaction_id;
    spawn_local(async move {
        let lookup = lookup(id).await;
        if interaction.customer.phone_last4.is_none() {
            interaction.customer.phone_last4 = lookup.phone.as_deref().and_then(embed::last4);
        }
        tell(Message::InteractionStarted { interaction });
        STARTED.with(|s| s.borrow_mut().insert(id));
        if link::current().is_some_and(HostLink::connected) {
            // The host answers with its record, linked to the interaction as `linkRecord` would, or an
            // error if it has none: either way the desk goes on. Asked at once (the request is posted
            // before the first await), so it precedes the focus.
            let pop = link::ask(Message::ScreenPop { interaction_id: id, lookup });
            spawn_local(async move {
                if let Some(record) = pop.await.ok().flatten().and_then(popped_record) {
                    let _ = link_record(id, record).await;
                }
            });
        }
        focus_told(id);
        if END_WAITING.with(|e| e.borrow_mut().remove(&id)) {
            tell(Message::InteractionEnded { interaction_id: id });
        }
    });
}

/// The record in a screen pop's answer, `{record: {system, type, id, displayName?}}`.
fn popped_record(mut answer: serde_json::Value) -> Option<RecordRef> {
    serde_json::from_value(answer.get_mut("record")?.take()).ok()
}

/// The customer's keys as the desk shows them (a protected caller's number is masked already).
async fn lookup(id: i64) -> Lookup {
    let card = conversations_api::customer(id).await.and_then(|c| c.decode()).ok();
    card.map(|c| Lookup { phone: c.known.shown_phone, email: c.known.email }).unwrap_or_default()
}

fn on_event(live: crate::state::live::Live, event: &ServerEvent) {
    match event {
        ServerEvent::OfferCreated { offer } => {
            tell(Message::OfferCreated { interaction: offered(offer), expires_at: Some(offer.expires_at) });
            tell(Message::AttentionRequested {
                interaction_id: Some(offer.conversation_id),
                kind: "offer".into(),
            });
        }
        ServerEvent::OfferEnded { conversation_id, reason } => {
            tell(Message::OfferEnded {
                interaction_id: *conversation_id,
                outcome: embed::offer_outcome(*reason).into(),
            });
            if *reason == OfferEnd::NoAnswer {
                tell(Message::AttentionRequested {
                    interaction_id: Some(*conversation_id),
                    kind: "missedOffer".into(),
                });
            }
        }
        ServerEvent::MessageCreated { message } if message.direction == Direction::Inbound => {
            let on_screen =
                live.open.with_untracked(|o| o.as_ref().map(|o| o.id)) == Some(message.conversation_id);
            let visible = link::current().is_none_or(|l| l.visible.get_untracked());
            if !on_screen || !visible {
                tell(Message::AttentionRequested {
                    interaction_id: Some(message.conversation_id),
                    kind: "message".into(),
                });
            }
        }
        ServerEvent::WrappedUp { conversation_id } => wrapped_up(*conversation_id),
        // Signed out by someone else (a supervisor, an administrator): the host hears `revoked`.
        ServerEvent::StatusChanged { status } if status.idle_reason == Some(IdleReason::SignedOut) => {
            link::signed_out_elsewhere();
        }
        _ => {}
    }
}

/// The offer as its popover shows it: the customer's name and phone where the queue's popover lists
/// them (never a variable the administrator made secure), the phone by its last 4 digits only.
fn offered(offer: &Offer) -> InteractionRef {
    let shown =
        |field: PopoverField| offer.variables.iter().find(|v| v.field == field).map(|v| v.value.as_str());
    let phone = offer.callback.as_ref().map(|c| c.number.as_str()).or(shown(PopoverField::Phone));
    InteractionRef {
        interaction_id: offer.conversation_id,
        channel: offer.channel.as_str().to_owned(),
        queue: offer.queue_name.clone(),
        customer: embed::Customer {
            name: shown(PopoverField::CustomerName).map(str::to_owned),
            phone_last4: phone.and_then(embed::last4),
        },
    }
}

/// `wrapUpCompleted` with the reason, the handled time (accept to wrap-up) and the focus time of the
/// agent's activity.
fn wrapped_up(id: i64) {
    spawn_local(async move {
        let Ok(record) = routing_api::interaction(id).await else { return };
        let Some(activity) = record.activities.iter().rev().find(|a| a.wrapped_up_at.is_some()) else {
            return;
        };
        tell(Message::WrapUpCompleted {
            interaction_id: id,
            reason: activity.wrap_up_reason.clone().unwrap_or_default(),
            handled_ms: activity.wrapped_up_at.unwrap_or(activity.accepted_at) - activity.accepted_at,
            focus_ms: activity.focus.focused_ms,
        });
    });
}

/// Asks the host for the height the desk's content needs (at least what a call's controls need),
/// whenever that changes.
pub fn watch_height(link: HostLink) {
    let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) else { return };
    let asked = Rc::new(Cell::new(0u32));
    let measure = move || {
        if !link.connected() {
            return;
        }
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        let content = document.document_element().map_or(0, |e| e.scroll_height()).max(0) as u32;
        let height = content.max(PREFERRED_HEIGHT).clamp(MIN_HEIGHT, MAX_HEIGHT);
        if asked.get() != height {
            asked.set(height);
            let asked = asked.clone();
            spawn_local(async move {
                // A host that refused or did not answer is asked again at the next change.
                if link::ask(Message::Resize { height }).await.is_err() {
                    asked.set(0);
                }
            });
        }
    };
    let measure = Rc::new(measure);
    let observed = {
        let measure = measure.clone();
        Closure::<dyn FnMut()>::new(move || measure())
    };
    if let Ok(observer) = web_sys::ResizeObserver::new(observed.as_ref().unchecked_ref()) {
        observer.observe(&body);
    }
    observed.forget();
    // And once the host answered the greeting.
    Effect::new(move |_| {
        if link.handshake.get() == super::link::Handshake::Connected {
            measure();
        }
    });
}

/// The height the desk asks for at least: the task list, an offer's popover and a call's controls
/// without scrolling in a 420 px wide panel.
const PREFERRED_HEIGHT: u32 = 720;
