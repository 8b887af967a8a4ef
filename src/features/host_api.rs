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
use crate::i18n::{t, use_i18n};
use link::{Handshake, HostLink, PendingDial};

stylance::import_crate_style!(css, "src/features/host_api.module.css");

split_view!(embed, pub fn host_link() => view! { <HostLinkView /> });
split_view!(embed, pub fn host_desk_events() => view! { <desk_events::DeskEvents /> });

/// The link's state where the agent sees it: a host that never answered, a call the host asks to
/// place, a host's notice. Nothing shows while all is well.
#[component]
fn HostLinkView() -> impl IntoView {
    let i18n = use_i18n();
    let link = HostLink::start();
    let dial = move |pending: PendingDial| {
        view! {
            <div class=css::prompt role="dialog" aria-labelledby="host-dial-text" data-testid="host-dial">
                <p id="host-dial-text">{t!(i18n, host.dial_prompt, number = pending.number.clone())}</p>
                <div class=css::actions>
                    <button class="button primary" data-testid="host-dial-call" autofocus
                        disabled=move || link.placing.get() on:click=move |_| link.place_dial()>
                        {t!(i18n, host.call)}
                    </button>
                    <button class="button" data-testid="host-dial-cancel" on:click=move |_| link.dial.set(None)>
                        {t!(i18n, host.cancel)}
                    </button>
                </div>
                {move || link.dial_error.get().map(|e| view! { <p class=css::error role="alert">{e}</p> })}
            </div>
        }
    };
    let notice = move |(message, alert): (String, bool)| {
        view! {
            <div class=css::notice role=if alert { "alert" } else { "status" } data-testid="host-notice">
                <p>{message}</p>
                <button class="button" on:click=move |_| link.notice.set(None)>{t!(i18n, host.dismiss)}</button>
            </div>
        }
    };
    view! {
        <div
            class=css::host
            data-testid="host-link"
            data-handshake=move || link.handshake.get().as_str()
            data-ignored=move || link.ignored.get().to_string()
        >
            {move || (link.handshake.get() == Handshake::NoAnswer && !link.no_answer_seen.get()).then(|| view! {
                <div class=css::notice role="status" data-testid="host-no-answer">
                    <p>{t!(i18n, host.no_answer)}</p>
                    <button class="button" on:click=move |_| link.no_answer_seen.set(true)>{t!(i18n, host.dismiss)}</button>
                </div>
            })}
            {move || link.dial.get().map(dial)}
            {move || link.notice.get().map(notice)}
        </div>
    }
}
