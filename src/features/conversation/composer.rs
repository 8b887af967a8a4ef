//! Writes and sends a chat message. The text lives in the conversation's draft until the server
//! confirms the message; a sent message shows at once as pending and is retried under the same key.

use std::time::Duration;

use hovor_types::error::Rule;
use hovor_types::message::{SendMessageRequest, validate_agent_message};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api::client::idempotency_key;
use crate::api::{ApiError, conversations as api, routing as routing_api};
use crate::components::icon::{Glyph, Icon};
use crate::components::lazy::{lazy_view, split_view};
use crate::features::email::{EmailDraft, email_fields};
use crate::features::responses::hash::{HASH_LIST_ID, HashList, HashSearch};
use crate::features::responses::insert::{FillDialog, use_inserter};
use crate::i18n::{t, use_i18n};
use crate::state::conversation::{OpenConversation, PendingMessage, PendingState, use_open_conversation};
use crate::state::drafts::use_drafts;
use crate::state::shortcuts::{Action, on_shortcut};

stylance::import_crate_style!(css, "src/features/conversation/composer.module.css");

// The composer, with `#` and inserting responses, is the `compose` chunk, fetched as the desk starts.
split_view!(compose, pub fn chat_composer() => view! { <Composer /> });
split_view!(compose, pub fn email_composer(email: EmailDraft) => view! { <Composer email /> });

/// The textarea's id: inserting a response focuses it.
pub const COMPOSER_ID: &str = "composer-input";
/// Automatic retries of a send that got no answer, before the agent is asked.
const AUTO_RETRIES: u32 = 3;

#[derive(Clone, Copy, PartialEq)]
enum Problem {
    Blank,
    TooLong(usize),
    /// A placeholder nothing filled is still in the text.
    Unfilled,
}

/// `email`: the conversation is an email; the text goes out with the reply's To, CC and subject.
#[component]
pub fn Composer(#[prop(optional)] email: Option<EmailDraft>) -> impl IntoView {
    let i18n = use_i18n();
    let open = use_open_conversation();
    let drafts = use_drafts();
    let problem = RwSignal::new(None::<Problem>);
    let text = move || drafts.get(open.id);
    let typing = Typing::new(open.id);
    let inserter = use_inserter();
    let hash = HashSearch::new(open.id);

    let send = move || {
        let draft = drafts.get(open.id);
        let body = match validate_agent_message(&draft) {
            Ok(body) => body.to_owned(),
            Err(e) => {
                problem.set(Some(match e.rule {
                    Rule::TooLong { max } => Problem::TooLong(max),
                    Rule::Unfilled => Problem::Unfilled,
                    _ => Problem::Blank,
                }));
                return;
            }
        };
        problem.set(None);
        let used_response = inserter.used_response(&body);
        if let Some(email) = email {
            // The fields send it (once their chunk is here); the text stays until the server has it.
            if let Some(send) = email.send.get_value() {
                send.run((body, used_response));
            }
            typing.stopped();
            return;
        }
        let key = idempotency_key();
        let pending = PendingMessage { key: key.clone(), body, used_response, state: PendingState::Sending };
        open.pending.update(|p| p.push(pending));
        drafts.set(open.id, String::new());
        deliver(open, key);
        typing.stopped();
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        // While the # list is open, arrows, Enter, Tab and Escape are its own.
        if !ev.is_composing() && hash.key(&ev.key(), inserter) {
            ev.prevent_default();
            return;
        }
        // Chat: Enter sends, Shift+Enter is a new line. Email: Enter is a new line and Ctrl+Enter (⌘+Enter)
        // sends, so a half-written email never leaves by accident. Composing (IME) and AltGr text are
        // left alone.
        let enter = ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() && !ev.alt_key();
        if enter && (email.is_none() || ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            send();
        }
    };
    let message = move || {
        problem.get().map(|p| match p {
            Problem::Blank => t!(i18n, composer.blank).into_any(),
            Problem::TooLong(max) => t!(i18n, composer.too_long, max = max).into_any(),
            Problem::Unfilled => {
                let draft = drafts.get(open.id);
                let placeholder =
                    hovor_types::placeholder::first_unfilled(&draft).unwrap_or_default().to_owned();
                t!(i18n, composer.unfilled, placeholder = placeholder).into_any()
            }
        })
    };
    let textarea = NodeRef::<leptos::html::Textarea>::new();
    // `#` from the keyboard: the list opens at the cursor.
    on_shortcut(Action::Responses, move || {
        let Some(el) = textarea.get_untracked() else { return };
        let _ = el.focus();
        let text = el.value();
        let at = el.selection_start().ok().flatten().unwrap_or(text.encode_utf16().count() as u32);
        let byte = crate::features::responses::insert::byte_at(&text, at);
        // A # joined to a word is not a query: a space before it when needed.
        let before = &text[..byte];
        let mark = if before.is_empty() || before.ends_with(char::is_whitespace) { "#" } else { " #" };
        let next = format!("{before}{mark}{}", &text[byte..]);
        let cursor = at + mark.len() as u32;
        drafts.set(open.id, next.clone());
        el.set_value(&next);
        let _ = el.set_selection_range(cursor, cursor);
        hash.typed(&next, cursor);
    });
    let caret = move |ev: &leptos::ev::Event| {
        let el: web_sys::HtmlTextAreaElement = event_target(ev);
        let cursor = el.selection_start().ok().flatten().unwrap_or(0);
        hash.typed(&el.value(), cursor);
    };
    view! {
        <form class=css::composer on:submit=move |ev| { ev.prevent_default(); send(); }>
            {email.map(|draft| lazy_view(move || email_fields(draft)))}
            <label class=css::label for=COMPOSER_ID>{t!(i18n, composer.label)}</label>
            <FillDialog />
            <HashList search=hash inserter />
            <textarea
                id=COMPOSER_ID
                node_ref=textarea
                class=css::input
                data-testid="composer"
                rows="3"
                placeholder=move || crate::i18n::t_string!(i18n, composer.placeholder).to_string()
                aria-invalid=move || problem.get().is_some().to_string()
                aria-describedby="composer-error"
                aria-autocomplete="list"
                // Only while the list is there: a reference to a missing element is invalid.
                aria-controls=move || hash.active_id().map(|_| HASH_LIST_ID)
                aria-activedescendant=move || hash.active_id()
                prop:value=text
                on:input=move |ev| {
                    problem.set(None);
                    drafts.set(open.id, event_target_value(&ev));
                    typing.typed();
                    caret(&ev);
                }
                on:click=move |ev| caret(&ev)
                // Moving the cursor by key moves the # query with it (or closes the list).
                on:keyup=move |ev: leptos::ev::KeyboardEvent| {
                    if matches!(ev.key().as_str(), "ArrowLeft" | "ArrowRight" | "Home" | "End" | "PageUp" | "PageDown") {
                        caret(&ev);
                    }
                }
                on:blur=move |ev| {
                    typing.stopped();
                    // Taken off the page: its # list goes with it.
                    if event_target::<web_sys::Node>(&ev).is_connected() {
                        hash.close();
                    }
                }
                on:keydown=on_key
            ></textarea>
            <div class=css::actions>
                <p id="composer-error" class=css::error role="alert">{message}</p>
                {email.map(|_| view! { <p class=css::hint data-testid="email-send-hint">{t!(i18n, composer.email_send_hint)}</p> })}
                <button type="submit" class="button primary" data-testid="send" disabled=move || email.is_some_and(|d| d.sending.get())>
                    <Icon glyph=Glyph::Send />
                    {t!(i18n, composer.send)}
                </button>
            </div>
        </form>
    }
}

/// Opens conversation `id` with its composer focused (after Accept, a keyboard switch or a wrap-up), so
/// the agent types on without reaching for the mouse. The composer is drawn once the conversation's
/// channel is known: it is looked for on each frame for a few seconds, not waited for with a timer.
pub fn open_with_composer_focused(
    id: i64,
    navigate: impl Fn(&str, leptos_router::NavigateOptions) + 'static,
) {
    navigate(&format!("/desk/{id}"), Default::default());
    fn look(id: i64, frames_left: u32) {
        let found = document()
            .query_selector(&format!("[data-conversation=\"{id}\"] #{COMPOSER_ID}"))
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        match found {
            Some(el) => {
                let _ = el.focus();
            }
            None if frames_left > 0 => request_animation_frame(move || look(id, frames_left - 1)),
            None => {}
        }
    }
    request_animation_frame(move || look(id, 300));
}

/// Sends (or re-sends) a pending message under its key, retrying on its own a few times when
/// the server cannot be reached.
pub fn deliver(open: OpenConversation, key: String) {
    let Some(request) = open.pending.with_untracked(|p| {
        p.iter()
            .find(|m| m.key == key)
            .map(|m| SendMessageRequest { body: m.body.clone(), used_response: m.used_response })
    }) else {
        return;
    };
    open.set_pending_state(&key, PendingState::Sending);
    spawn_local(async move {
        let mut attempt = 0;
        loop {
            match api::send_message(open.id, &request, &key).await {
                Ok(message) => {
                    open.confirm(&key, message);
                    return;
                }
                Err(e) if e.is_transient() && attempt < AUTO_RETRIES => {
                    attempt += 1;
                    gloo_timers::future::sleep(Duration::from_millis(500 * 2u64.pow(attempt))).await;
                }
                Err(ApiError::Refused(hovor_types::error::Reason::Ended)) => {
                    open.set_pending_state(&key, PendingState::Ended);
                    return;
                }
                Err(ApiError::Refused(reason)) => {
                    open.set_pending_state(&key, PendingState::Refused(reason));
                    return;
                }
                Err(_) => {
                    open.set_pending_state(&key, PendingState::Failed);
                    return;
                }
            }
        }
    });
}

/// Tells the customer the agent is typing: at most once every few seconds while keys are pressed,
/// and once when the agent stops (sent the message or left the field).
#[derive(Clone, Copy)]
struct Typing {
    conversation: i64,
    last_sent: StoredValue<Option<f64>>,
}

const TYPING_EVERY_MS: f64 = hovor_types::chat::TYPING_EVERY_MS as f64;

impl Typing {
    fn new(conversation: i64) -> Typing {
        Typing { conversation, last_sent: StoredValue::new(None) }
    }

    fn typed(self) {
        let now = js_sys::Date::now();
        if self.last_sent.get_value().is_some_and(|at| now - at < TYPING_EVERY_MS) {
            return;
        }
        self.last_sent.set_value(Some(now));
        let id = self.conversation;
        spawn_local(async move {
            let _ = routing_api::typing(id, true).await;
        });
    }

    /// Also from the blur of a composer being taken off the page (another conversation opened from the
    /// keyboard): its values may be gone, and the customer is told anyway.
    fn stopped(self) {
        // Nothing announced: nothing to take back (gone values: told anyway).
        if let Some(None) = self.last_sent.try_update_value(Option::take) {
            return;
        }
        let id = self.conversation;
        spawn_local(async move {
            let _ = routing_api::typing(id, false).await;
        });
    }
}
