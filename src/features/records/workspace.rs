//! What the card and the Directory page both show around a contact: Remove from directory (asked
//! first) and the Contact / History / Merge details tabs.

use hovor_types::customer::Contact;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::history::history_tab;
use super::merges::merge_details;
use crate::api::records as api;
use crate::components::form::{FieldMessage, FormErrors};
use crate::components::lazy::lazy_view;
use crate::components::tabs::{Tab, Tabs};
use crate::i18n::{t, use_i18n};
use crate::widgets::record::css;

/// Remove from directory: the agent confirms; the contact goes, its interactions stay without one.
#[component]
pub fn RemoveContact(contact: RwSignal<Contact>, removed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let confirm = RwSignal::new(false);
    view! {
        <button class="button" data-testid="remove-contact" on:click=move |_| confirm.set(true)>
            {t!(i18n, records.remove_from_directory)}
        </button>
        <ConfirmRemoveContact contact removed open=confirm />
    }
}

/// The question Remove from directory asks while `open`: Cancel, or Remove for good.
#[component]
pub fn ConfirmRemoveContact(
    contact: RwSignal<Contact>,
    removed: Callback<()>,
    open: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let errors = FormErrors::default();
    let remove = move |_| {
        let (id, version) = contact.with_untracked(|c| (c.id, c.version));
        spawn_local(async move {
            match api::delete_contact(id, version).await {
                Ok(()) => removed.run(()),
                Err(e) => errors.api(&e),
            }
        });
    };
    view! {
        <Show when=move || open.get()>
            <div class=css::notice role="alert" data-testid="remove-contact-question">
                <p>{t!(i18n, records.remove_confirm, name = contact.with_untracked(Contact::full_name))}</p>
                <button class="button" on:click=move |_| open.set(false)>{t!(i18n, records.cancel)}</button>
                <button class="button danger" data-testid="remove-contact-confirm" on:click=remove>{t!(i18n, records.remove)}</button>
            </div>
        </Show>
        <FieldMessage errors field="" />
    }
}

/// The contact's tabs: its record (drawn by `record`), History and Merge details.
#[component]
pub fn ContactTabs(
    name: &'static str,
    contact: RwSignal<Contact>,
    changed: Callback<()>,
    record: ViewFn,
) -> impl IntoView {
    let i18n = use_i18n();
    let tab = RwSignal::new("contact");
    let tabs = vec![
        Tab { id: "contact", label: ViewFn::from(move || t!(i18n, records.tab_contact)) },
        Tab { id: "history", label: ViewFn::from(move || t!(i18n, records.tab_history)) },
        Tab { id: "merges", label: ViewFn::from(move || t!(i18n, records.tab_merges)) },
    ];
    let contact_id = contact.with_untracked(|c| c.id);
    let record = StoredValue::new(record);
    let panel = move || match tab.get() {
        "history" => lazy_view(move || history_tab(contact_id)).into_any(),
        "merges" => lazy_view(move || merge_details(contact, changed)).into_any(),
        _ => record.with_value(ViewFn::run),
    };
    view! {
        <Tabs name tabs selected=tab>
            {panel}
        </Tabs>
    }
}
