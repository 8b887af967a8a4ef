//! The thread: every email of the conversation with its headers, attachments and delivery status. HTML
//! (already sanitised by the server) is shown in a frame with no scripts, no same-origin access and no
//! forms, so nothing in an email can act on the desk; plain text is shown as text.

use hovor_types::email::{Email, EmailKind, EmailStatus};
use hovor_types::message::Direction;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{EmailDraft, css};
use crate::api::email as api;
use crate::features::conversation::Timeline;
use crate::format;
use crate::i18n::{t, use_i18n};
use crate::state::conversation::use_open_conversation;

/// An email conversation's centre: its thread, or the customer's timeline, one at a time.
#[component]
pub fn EmailCentre(draft: EmailDraft) -> impl IntoView {
    let i18n = use_i18n();
    let timeline = RwSignal::new(false);
    view! {
        <div class=css::centre>
            <div class=css::tabs role="group">
                <button type="button" class="button" aria-pressed=move || (!timeline.get()).to_string() data-testid="tab-emails" on:click=move |_| timeline.set(false)>{t!(i18n, email.thread)}</button>
                <button type="button" class="button" aria-pressed=move || timeline.get().to_string() data-testid="tab-timeline" on:click=move |_| timeline.set(true)>{t!(i18n, timeline.title)}</button>
            </div>
            {move || if timeline.get() { view! { <Timeline /> }.into_any() } else { view! { <EmailThread draft /> }.into_any() }}
        </div>
    }
}

#[component]
fn EmailThread(draft: EmailDraft) -> impl IntoView {
    let i18n = use_i18n();
    let open = use_open_conversation();
    let failed = RwSignal::new(false);
    // Loads at first and again whenever an email arrives or changes status.
    Effect::new(move |_| {
        open.emails.track();
        spawn_local(async move {
            match api::thread(draft.conversation).await {
                Ok(thread) => {
                    let first = thread.emails.is_empty();
                    let _ = draft.mailbox.try_set(thread.mailbox);
                    let _ = draft.emails.try_set(thread.emails);
                    let _ = failed.try_set(false);
                    if draft.chosen.try_get_untracked() == Some(false) {
                        prefill(draft, EmailKind::Reply, None);
                        if first {
                            // A New email: to whom the conversation was started for, about what.
                            let _ = draft.to.try_set(thread.recipient.unwrap_or_default());
                            let _ = draft.subject.try_set(thread.subject.unwrap_or_default());
                        }
                    }
                }
                Err(_) => {
                    let _ = failed.try_set(true);
                }
            }
            // The thread (or why it is missing) is drawn in this same frame.
            crate::components::first_paint::reveal();
        });
    });
    view! {
        <section class=css::thread aria-label=move || crate::i18n::t_string!(i18n, email.thread).to_string() data-testid="email-thread">
            {move || failed.get().then(|| view! { <p class=css::error role="alert">{t!(i18n, email.load_failed)}</p> })}
            <ol class=css::emails>
                <For each=move || draft.emails.get() key=|e| (e.id, e.status) let:email>
                    <EmailItem email draft />
                </For>
            </ol>
        </section>
    }
}

#[component]
fn EmailItem(email: Email, draft: EmailDraft) -> impl IntoView {
    let i18n = use_i18n();
    let at = email.at;
    let id = email.id;
    let direction = if email.direction == Direction::Inbound { "inbound" } else { "outbound" };
    let status = email.status;
    let error = email.error.clone();
    let attachments = email.attachments.clone();
    let count = attachments.len();
    let to = email.to.join(", ");
    let cc = email.cc.join(", ");
    let subject = email.subject.clone();
    let body = match email.html.clone() {
        Some(html) => view! {
            <iframe
                class=css::html
                title=subject.clone()
                // No scripts, no same-origin, no forms: the markup can only be looked at. Links open
                // in a new tab, cut off from the desk.
                sandbox="allow-popups allow-popups-to-escape-sandbox"
                referrerpolicy="no-referrer"
                srcdoc=html
                data-testid="email-html"
            ></iframe>
        }
        .into_any(),
        None => view! { <pre class=css::text data-testid="email-text">{email.text.clone()}</pre> }.into_any(),
    };
    let answer = move |kind: EmailKind| prefill(draft, kind, Some(id));
    view! {
        <li class=css::email data-direction=direction data-testid="email" data-email=id>
            <header class=css::headers>
                <p class=css::from>
                    <strong>{email.from_name.clone()}</strong>
                    " <"{email.from.clone()}">"
                    <time>{move || format::date_time(i18n.get_locale(), at)}</time>
                </p>
                <p class=css::subject data-testid="thread-subject">{subject.clone()}</p>
                <p class=css::line>{t!(i18n, email.to)}": "<span data-testid="email-recipients">{to}</span></p>
                {(!cc.is_empty()).then(|| view! { <p class=css::line>{t!(i18n, email.cc)}": "<span data-testid="email-copies">{cc}</span></p> })}
                <StatusBadge status error />
            </header>
            {body}
            {email.truncated.then(|| view! { <p class=css::note>{t!(i18n, email.truncated)}</p> })}
            {(count > 0).then(|| view! {
                <div class=css::attachments data-testid="email-attachments">
                    <p>{crate::format::t_count!(i18n, email.attachments, count)}</p>
                    <ul>
                        {attachments.into_iter().map(|a| view! {
                            <li>{a.name}" ("{a.content_type}", "{format_size(a.size)}")"</li>
                        }).collect_view()}
                    </ul>
                </div>
            })}
            <div class=css::actions>
                <button type="button" class="button" data-testid="email-reply" on:click=move |_| answer(EmailKind::Reply)>{t!(i18n, email.reply)}</button>
                <button type="button" class="button" data-testid="email-reply-all" on:click=move |_| answer(EmailKind::ReplyAll)>{t!(i18n, email.reply_all)}</button>
                <button type="button" class="button" data-testid="email-forward" on:click=move |_| answer(EmailKind::Forward)>{t!(i18n, email.forward)}</button>
            </div>
        </li>
    }
}

#[component]
fn StatusBadge(status: EmailStatus, error: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let label = match status {
        EmailStatus::Received => return ().into_any(),
        EmailStatus::Waiting => t!(i18n, email.waiting).into_any(),
        EmailStatus::Sent => t!(i18n, email.sent).into_any(),
        EmailStatus::Failed => t!(i18n, email.failed).into_any(),
    };
    view! {
        <p class=css::status data-status=status.as_str() data-testid="email-status">
            {label}
            {error.map(|e| view! { <span class=css::reason>" — "{e}</span> })}
        </p>
    }
    .into_any()
}

fn format_size(bytes: u64) -> String {
    match bytes {
        0..1_024 => format!("{bytes} B"),
        1_024..1_048_576 => format!("{:.0} KB", bytes as f64 / 1_024.0),
        _ => format!("{:.1} MB", bytes as f64 / 1_048_576.0),
    }
}

/// Fills To, CC and subject for answering `id` (the latest email from the customer when `None`) and
/// puts the cursor in the composer.
pub fn prefill(draft: EmailDraft, kind: EmailKind, id: Option<i64>) {
    let Some(emails) = draft.emails.try_get_untracked() else { return };
    let chosen = match id {
        Some(id) => emails.iter().find(|e| e.id == id),
        None => emails.iter().rev().find(|e| e.direction == Direction::Inbound).or(emails.last()),
    };
    let Some(email) = chosen else {
        draft.kind.set(EmailKind::New);
        return;
    };
    let mailbox = draft.mailbox.get_untracked().unwrap_or_default();
    let (to, cc) = hovor_types::email::recipients_for(kind, email, &mailbox);
    draft.kind.set(kind);
    draft.replying_to.set(Some(email.id));
    draft.to.set(to.join(", "));
    draft.cc.set(cc.join(", "));
    draft.subject.set(hovor_types::email::subject_for(kind, &email.subject));
    draft.errors.clear();
    if id.is_some() {
        draft.chosen.set(true);
        let field =
            if kind == EmailKind::Forward { "email-to" } else { crate::features::conversation::COMPOSER_ID };
        if let Some(el) = document().get_element_by_id(field) {
            let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
        }
    }
}

use wasm_bindgen::JsCast;
