//! The host API's desk side (docs/EMBEDDING.md): in a CRM's frame the desk greets the host until it
//! answers, tells it what happens (sign-in, state, offers, interactions, wrap-ups), asks it to resize
//! and to pop the customer's record, and carries out its commands, each answered. The messages are
//! `hovor_types::embed`'s. Only the window that frames the desk, from the exact origin the server
//! named, is heard, and only that origin is written to. All of it is in its own chunk: a desk in a
//! tab never downloads it.

mod commands;
mod desk_events;
mod link;

use leptos::prelude::*;

use crate::components::lazy::split_view;
use crate::components::strings::{fill, load};
use link::{Handshake, HostLink, PendingDial};

stylance::import_crate_style!(css, "src/features/host_api.module.css");

split_view!(embed, pub fn host_link() => view! { <HostLinkView /> });
split_view!(embed, pub fn host_desk_events() => view! { <desk_events::DeskEvents /> });

/// The host link's words, a string pack (`locales/packs/host/`): only a desk in a frame needs them.
#[derive(serde::Deserialize)]
struct HostWords {
    dial_prompt: String,
    call: String,
    cancel: String,
    dismiss: String,
    no_answer: String,
}

/// The link's state where the agent sees it: a host that never answered, a call the host asks to
/// place, a host's notice. Nothing shows while all is well.
#[component]
fn HostLinkView() -> impl IntoView {
    let link = HostLink::start();
    let words = load::<HostWords>("host");
    let with_words = move |show: &dyn Fn(&HostWords) -> AnyView| -> Option<AnyView> {
        words.get().flatten().map(|w| show(&w))
    };
    let dial = move |pending: PendingDial| {
        with_words(&|w| {
            view! {
                <div class=css::prompt role="dialog" aria-labelledby="host-dial-text" data-testid="host-dial">
                    <p id="host-dial-text">{fill(&w.dial_prompt, &[("number", &pending.number)])}</p>
                    <div class=css::actions>
                        <button class="button primary" data-testid="host-dial-call" autofocus
                            disabled=move || link.placing.get() on:click=move |_| link.place_dial()>
                            {w.call.clone()}
                        </button>
                        <button class="button" data-testid="host-dial-cancel" on:click=move |_| link.dial.set(None)>
                            {w.cancel.clone()}
                        </button>
                    </div>
                    {move || link.dial_error.get().map(|e| view! { <p class=css::error role="alert">{e}</p> })}
                </div>
            }
            .into_any()
        })
    };
    let notice = move |(message, alert): (String, bool)| {
        with_words(&|w| {
            let message = message.clone();
            view! {
                <div class=css::notice role=if alert { "alert" } else { "status" } data-testid="host-notice">
                    <p>{message}</p>
                    <button class="button" on:click=move |_| link.notice.set(None)>{w.dismiss.clone()}</button>
                </div>
            }
            .into_any()
        })
    };
    let no_answer = move || {
        (link.handshake.get() == Handshake::NoAnswer && !link.no_answer_seen.get())
            .then(|| {
                with_words(&|w| {
                    view! {
                        <div class=css::notice role="status" data-testid="host-no-answer">
                            <p>{w.no_answer.clone()}</p>
                            <button class="button" on:click=move |_| link.no_answer_seen.set(true)>{w.dismiss.clone()}</button>
                        </div>
                    }
                    .into_any()
                })
            })
            .flatten()
    };
    view! {
        <div
            class=css::host
            data-testid="host-link"
            data-handshake=move || link.handshake.get().as_str()
            data-ignored=move || link.ignored.get().to_string()
        >
            {no_answer}
            {move || link.dial.get().and_then(dial)}
            {move || link.notice.get().and_then(notice)}
        </div>
    }
}
