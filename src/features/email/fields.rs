//! The reply's header: what it is (reply, reply all, forward, new), To, CC and subject, each with its
//! error beside it. Sending takes the composer's text; the fields and the text stay until the server
//! has the email, so an error or a lost connection loses nothing.

use std::time::Duration;

use hovor_types::email::{EmailKind, SendEmail, split_addresses, validate_send};
use hovor_types::response::UsedResponse;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::thread::prefill;
use super::{EmailDraft, css};
use crate::api::client::idempotency_key;
use crate::api::email as api;
use crate::components::form::FieldMessage;
use crate::i18n::{t, t_string, use_i18n};
use crate::state::drafts::use_drafts;

const AUTO_RETRIES: u32 = 3;

#[component]
pub fn EmailFields(draft: EmailDraft) -> impl IntoView {
    let i18n = use_i18n();
    let drafts = use_drafts();
    let failed_text = t_string!(i18n, email.send_failed).to_string();
    let send = Callback::new(move |(body, used_response): (String, Option<UsedResponse>)| {
        if draft.sending.get_untracked() {
            return;
        }
        let request = SendEmail {
            kind: draft.kind.get_untracked(),
            replying_to: draft.replying_to.get_untracked(),
            to: split_addresses(&draft.to.get_untracked()),
            cc: split_addresses(&draft.cc.get_untracked()),
            subject: draft.subject.get_untracked(),
            body,
            used_response,
        };
        let request = match validate_send(&request) {
            Ok(request) => request,
            Err(e) => {
                draft.errors.field(&e);
                return;
            }
        };
        draft.errors.clear();
        draft.sending.set(true);
        let key = idempotency_key();
        let failed_text = failed_text.clone();
        spawn_local(async move {
            let mut attempt = 0;
            let result = loop {
                match api::send(draft.conversation, &request, &key).await {
                    Err(e) if e.is_transient() && attempt < AUTO_RETRIES => {
                        attempt += 1;
                        gloo_timers::future::sleep(Duration::from_millis(500 * 2u64.pow(attempt))).await;
                    }
                    other => break other,
                }
            };
            let _ = draft.sending.try_set(false);
            match result {
                Ok(email) => {
                    // Only what was sent goes: text typed meanwhile stays.
                    if drafts.get_untracked(draft.conversation).trim() == request.body {
                        drafts.set(draft.conversation, String::new());
                    }
                    let _ = draft.emails.try_update(|emails| {
                        if !emails.iter().any(|e| e.id == email.id) {
                            emails.push(email);
                        }
                    });
                    let _ = draft.chosen.try_set(false);
                    prefill(draft, EmailKind::Reply, None);
                }
                Err(e) => draft.errors.answer(i18n, &e, failed_text),
            }
        });
    });
    draft.send.set_value(Some(send));
    on_cleanup(move || {
        let _ = draft.send.try_update_value(|s| *s = None);
    });
    let kind_label = move || match draft.kind.get() {
        EmailKind::Reply => t!(i18n, email.reply).into_any(),
        EmailKind::ReplyAll => t!(i18n, email.reply_all).into_any(),
        EmailKind::Forward => t!(i18n, email.forward).into_any(),
        EmailKind::New | EmailKind::Received => t!(i18n, email.new_email).into_any(),
    };
    let field = move |id: &'static str, name: &'static str, value: RwSignal<String>, label: AnyView| {
        let invalid = draft.errors.message(name);
        view! {
            <label class=css::field for=id>
                <span class=css::label>{label}</span>
                <input
                    id=id
                    name=name
                    type="text"
                    autocomplete="off"
                    data-testid=id
                    prop:value=move || value.get()
                    aria-invalid=move || invalid.with(Option::is_some).to_string()
                    on:input=move |ev| {
                        draft.chosen.set(true);
                        value.set(event_target_value(&ev));
                    }
                />
            </label>
            <FieldMessage errors=draft.errors field=name />
        }
    };
    view! {
        <fieldset class=css::fields data-testid="email-fields" disabled=move || draft.sending.get()>
            <legend class=css::kind data-testid="email-kind">{kind_label}</legend>
            {field("email-to", "to", draft.to, t!(i18n, email.to).into_any())}
            {field("email-cc", "cc", draft.cc, t!(i18n, email.cc).into_any())}
            {field("email-subject", "subject", draft.subject, t!(i18n, email.subject).into_any())}
            <FieldMessage errors=draft.errors field="replying_to" />
            <FieldMessage errors=draft.errors field="" />
        </fieldset>
    }
}
