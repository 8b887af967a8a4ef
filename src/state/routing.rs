//! The agent's routing state on the desk: their Available/Idle state, the offers on screen (kept in
//! stack order), the prompt after a missed offer, and which customers are typing.

use hovor_types::event::Party;
use hovor_types::routing::{AgentStatus, Offer, OfferEnd, stack_order};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::routing as api;

#[derive(Clone, Copy)]
pub struct Routing {
    pub status: RwSignal<Option<AgentStatus>>,
    pub offers: RwSignal<Vec<Offer>>,
    /// An offer went unanswered (RONA): ask whether to become Available again.
    pub missed: RwSignal<bool>,
    /// Conversations whose customer is typing, with the time they last said so.
    pub typing: RwSignal<Vec<(i64, f64)>>,
    /// Counts the offer events seen, so a read of the stack that an event overtook is not applied.
    offer_news: RwSignal<u32>,
}

/// A typing indicator without a refresh for this long is stale.
const TYPING_STALE_MS: f64 = hovor_types::chat::TYPING_STALE_MS as f64;

pub fn provide_routing() -> Routing {
    let routing = Routing {
        status: RwSignal::new(None),
        offers: RwSignal::new(Vec::new()),
        missed: RwSignal::new(false),
        typing: RwSignal::new(Vec::new()),
        offer_news: RwSignal::new(0),
    };
    provide_context(routing);
    routing
}

pub fn use_routing() -> Routing {
    expect_context()
}

impl Routing {
    /// Reads the state and the offers from the server (at start and after events were lost).
    pub fn reload(self) {
        spawn_local(async move {
            if let Ok(status) = api::status().await {
                self.status_seen(status);
            }
            // A read answered after an offer event (the agent went Available as the stream opened) would
            // put back the stack as it was before the event: read again, and give up to the events.
            // The desk may close (sign-out) while a read is out: its signals are then gone.
            for _ in 0..3 {
                let Some(seen) = self.offer_news.try_get_untracked() else { return };
                let Ok(offers) = api::offers().await else { break };
                match self.offer_news.try_get_untracked() {
                    Some(now) if now == seen => {
                        self.offers.set(offers);
                        break;
                    }
                    Some(_) => {}
                    None => return,
                }
            }
        });
    }

    /// The agent's state as the server said it: a read answered late never replaces a newer state an
    /// event (or another read) brought meanwhile.
    pub fn status_seen(self, status: AgentStatus) {
        self.status.update(|now| {
            if now.as_ref().is_none_or(|now| now.since <= status.since) {
                *now = Some(status);
            }
        });
    }

    /// Returns whether the offer is new to the stack.
    pub fn offered(self, offer: Offer) -> bool {
        self.offer_news.update(|n| *n += 1);
        let mut added = false;
        self.offers.update(|offers| {
            if !offers.iter().any(|o| o.conversation_id == offer.conversation_id) {
                offers.push(offer);
                stack_order(offers);
                added = true;
            }
        });
        added
    }

    pub fn offer_ended(self, conversation_id: i64, reason: OfferEnd) {
        self.offer_news.update(|n| *n += 1);
        self.offers.update(|offers| offers.retain(|o| o.conversation_id != conversation_id));
        if reason == OfferEnd::NoAnswer {
            self.missed.set(true);
        }
    }

    pub fn typing_changed(self, conversation_id: i64, party: Party, typing: bool) {
        if party != Party::Customer {
            return;
        }
        self.typing.update(|t| {
            t.retain(|(id, _)| *id != conversation_id);
            if typing {
                t.push((conversation_id, js_sys::Date::now()));
            }
        });
    }

    pub fn customer_typing(self, conversation_id: i64, now: f64) -> bool {
        self.typing.with(|t| t.iter().any(|(id, at)| *id == conversation_id && now - at < TYPING_STALE_MS))
    }
}
