//! Merge contact: find the duplicate, see both side by side, choose each field's value; the duplicate's
//! details and interactions move to the master. Undo lives in the Merge details tab.

use hovor_types::customer::{Contact, MergeRequest, Side, validate_merge};
use hovor_types::directory::DirectoryEntry;
use leptos::prelude::*;

use crate::components::lazy::split_view;
use leptos::task::spawn_local;

use super::search::DirectorySearch;
use crate::api::ApiError;
use crate::api::records as api;
use crate::components::form::{FieldMessage, FormErrors};
use crate::i18n::{t, t_string, use_i18n};

use crate::widgets::record::css;
use crate::widgets::versioned::Versioned;

#[derive(Clone, Copy)]
struct Choices {
    first_name: RwSignal<Side>,
    last_name: RwSignal<Side>,
    language: RwSignal<Side>,
    account: RwSignal<Side>,
}

#[component]
pub fn MergeDialog(master: RwSignal<Contact>, close: Callback<()>, merged: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let child = RwSignal::new(None::<Contact>);
    let errors = FormErrors::default();
    let choices = Choices {
        first_name: RwSignal::new(Side::Master),
        last_name: RwSignal::new(Side::Master),
        language: RwSignal::new(Side::Master),
        account: RwSignal::new(Side::Master),
    };
    let choose = Callback::new(move |entry: DirectoryEntry| {
        spawn_local(async move {
            match api::contact(entry.id).await {
                Ok(c) => child.set(Some(c)),
                Err(e) => errors.api(&e),
            }
        });
    });
    let busy = RwSignal::new(false);
    let submit = move |_| {
        let (Some(c), m) = (child.get_untracked(), master.get_untracked()) else { return };
        let request = MergeRequest {
            child_id: c.id,
            master_version: Some(m.version),
            child_version: Some(c.version),
            first_name: choices.first_name.get_untracked(),
            last_name: choices.last_name.get_untracked(),
            language: choices.language.get_untracked(),
            account: choices.account.get_untracked(),
        };
        if let Err(e) = validate_merge(m.id, &request) {
            errors.field(&e);
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = api::merge(m.id, &request).await;
            busy.set(false);
            match result {
                Ok(contact) => {
                    master.set(contact);
                    merged.run(());
                    close.run(());
                }
                // Someone changed one of the two meanwhile: show it as it is now and let the agent look again.
                Err(ApiError::VersionConflict(conflict)) => {
                    let Some(conflict) = conflict.decode() else {
                        return errors.api(&ApiError::Server(String::new()));
                    };
                    if let Some(current) = Contact::from_current(conflict.current) {
                        if current.id == m.id { master.set(current) } else { child.set(Some(current)) }
                    }
                    let i18n = use_i18n();
                    errors.api(&ApiError::Conflict(
                        t_string!(i18n, records.reloaded, name = conflict.changed_by).to_string(),
                    ));
                }
                Err(e) => errors.api(&e),
            }
        });
    };
    let comparison = move || {
        child.get().map(|c| {
            let m = master.get();
            view! {
                <table class=css::compare data-testid="merge-compare">
                    <thead>
                        <tr><th></th><th>{t!(i18n, records.master)}</th><th>{t!(i18n, records.duplicate)}</th></tr>
                    </thead>
                    <tbody>
                        <Choice name="first_name" label=ViewFn::from(move || t!(i18n, records.first_name)) side=choices.first_name
                            master=text(m.first_name.clone()) child=text(c.first_name.clone()) />
                        <Choice name="last_name" label=ViewFn::from(move || t!(i18n, records.last_name)) side=choices.last_name
                            master=text(m.last_name.clone()) child=text(c.last_name.clone()) />
                        <Choice name="language" label=ViewFn::from(move || t!(i18n, records.language)) side=choices.language
                            master=text(m.language.clone()) child=text(c.language.clone()) />
                        <Choice name="account" label=ViewFn::from(move || t!(i18n, records.account)) side=choices.account
                            master=account_name(m.account_id) child=account_name(c.account_id) />
                        <tr>
                            <th scope="row">{t!(i18n, records.details)}</th>
                            <td>{details_text(&m)}</td>
                            <td>{details_text(&c)}</td>
                        </tr>
                    </tbody>
                </table>
                <p class=css::muted>{t!(i18n, records.merge_keeps)}</p>
            }
        })
    };
    view! {
        <div class=css::backdrop>
            <div class=css::dialog role="dialog" aria-modal="true" aria-labelledby="merge-title" data-testid="merge-dialog">
                <h2 id="merge-title" class=css::dialog_title>{t!(i18n, records.merge_title, name = master.get_untracked().full_name())}</h2>
                <Show when=move || child.with(Option::is_none)>
                    <DirectorySearch on_choose=choose choose_label=ViewFn::from(move || t!(i18n, records.choose)) contacts_only=true
                        exclude=master.get_untracked().id initial=master.get_untracked().last_name />
                </Show>
                {comparison}
                <FieldMessage errors field="" />
                <FieldMessage errors field="child_id" />
                <div class=css::actions>
                    <button class="button" on:click=move |_| close.run(())>{t!(i18n, records.cancel)}</button>
                    <Show when=move || child.with(Option::is_some)>
                        <button class="button" on:click=move |_| child.set(None)>{t!(i18n, records.choose_other)}</button>
                        <button class="button primary" data-testid="merge-confirm" disabled=move || busy.get() on:click=submit>
                            {t!(i18n, records.merge)}
                        </button>
                    </Show>
                </div>
            </div>
        </div>
    }
}

/// One field: both values, a radio for each.
#[component]
fn Choice(
    name: &'static str,
    label: ViewFn,
    side: RwSignal<Side>,
    master: ViewFn,
    child: ViewFn,
) -> impl IntoView {
    let radio = move |value: Side, text: ViewFn| {
        view! {
            <td>
                <label class=css::check>
                    <input type="radio" name=format!("merge-{name}") value=value.as_str() data-testid=format!("merge-{name}-{}", value.as_str())
                        prop:checked=move || side.get() == value on:change=move |_| side.set(value) />
                    {text.run()}
                </label>
            </td>
        }
    };
    view! {
        <tr>
            <th scope="row">{label.run()}</th>
            {radio(Side::Master, master)}
            {radio(Side::Child, child)}
        </tr>
    }
}

fn text(s: String) -> ViewFn {
    ViewFn::from(move || s.clone())
}

/// The account's name, fetched on its own so the comparison shows what the agent knows.
fn account_name(id: Option<i64>) -> ViewFn {
    let name = LocalResource::new(move || async move {
        match id {
            Some(id) => api::account(id).await.map(|a| a.name).unwrap_or_else(|_| format!("#{id}")),
            None => "—".to_owned(),
        }
    });
    ViewFn::from(move || name.get())
}

fn details_text(c: &Contact) -> String {
    c.phones
        .iter()
        .chain(&c.emails)
        .chain(&c.identifiers)
        .map(|p| p.value.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

split_view!(records, pub fn merge_dialog(master: RwSignal<Contact>, close: Callback<()>, merged: Callback<()>) =>
    view! { <MergeDialog master close merged /> });
