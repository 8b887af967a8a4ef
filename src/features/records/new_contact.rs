//! Add contact: prefilled from what the conversation knows, created and (from a conversation) linked.

use hovor_types::customer::{Contact, ContactFields, KnownCustomer, NewContact, validate_new_contact};
use leptos::prelude::*;

use crate::components::lazy::split_view;
use leptos::task::spawn_local;

use super::contact::LanguageField;
use crate::api::records as api;
use crate::components::form::{FieldMessage, FormErrors, TextField};
use crate::i18n::{t, use_i18n};

use crate::widgets::record::css;

#[component]
pub fn NewContactForm(
    known: KnownCustomer,
    link_conversation: Option<i64>,
    done: Callback<Option<Contact>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let first = RwSignal::new(known.first_name);
    let last = RwSignal::new(known.last_name);
    let language = RwSignal::new(known.language.unwrap_or_else(|| "en".into()));
    let phone = RwSignal::new(known.phone.unwrap_or_default());
    let email = RwSignal::new(known.email.unwrap_or_default());
    let errors = FormErrors::default();
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let optional = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.trim().is_empty());
        let new = NewContact {
            fields: ContactFields {
                version: None,
                first_name: first.get_untracked(),
                last_name: last.get_untracked(),
                language: language.get_untracked(),
                account_id: None,
            },
            phone: optional(phone),
            email: optional(email),
            link_conversation,
        };
        if let Err(e) = validate_new_contact(&new) {
            errors.field(&e);
            return;
        }
        errors.clear();
        busy.set(true);
        spawn_local(async move {
            let result = api::create_contact(&new).await;
            busy.set(false);
            match result {
                Ok(contact) => done.run(Some(contact)),
                Err(e) => errors.api(&e),
            }
        });
    };
    view! {
        <form class=css::form data-testid="new-contact-form" on:submit=submit>
            <TextField label=ViewFn::from(move || t!(i18n, records.first_name)) value=first errors field="first_name" />
            <TextField label=ViewFn::from(move || t!(i18n, records.last_name)) value=last errors field="last_name" />
            <LanguageField value=language errors />
            <TextField label=ViewFn::from(move || t!(i18n, customer.phone)) value=phone errors field="phone" kind="tel" />
            <TextField label=ViewFn::from(move || t!(i18n, records.email)) value=email errors field="email" kind="email" />
            <FieldMessage errors field="" />
            <div class=css::actions>
                <button type="button" class="button" on:click=move |_| done.run(None)>{t!(i18n, records.cancel)}</button>
                <button type="submit" class="button primary" data-testid="new-contact-save" disabled=move || busy.get()>
                    {t!(i18n, records.create)}
                </button>
            </div>
        </form>
    }
}

split_view!(records, pub fn new_contact_form(known: KnownCustomer, link_conversation: Option<i64>, done: Callback<Option<Contact>>) =>
    view! { <NewContactForm known link_conversation done /> });
