//! An account (company): location, phones, emails, identifiers, addresses and primary contact; name
//! and location edited inline under its version; and the Add account form.

use hovor_types::customer::{Account, AccountFields, DetailKind, validate_account};
use leptos::prelude::*;

use crate::components::lazy::{lazy_view, split_view};

use super::details::{AddDetail, AddressList, DetailList};
use crate::api::ApiError;
use crate::api::records::{self as api, DetailOwner, Saved};
use crate::components::form::{FieldMessage, FormErrors, TextField};
use crate::i18n::{t, t_string, use_i18n};
use crate::widgets::audit::AuditLog;
use crate::widgets::versioned::{ConflictNotice, Difference, Versioned, VersionedSave, keep_changes};

use crate::widgets::record::css;

#[component]
pub fn AccountRecord(account: RwSignal<Account>) -> impl IntoView {
    let i18n = use_i18n();
    let editing = RwSignal::new(false);
    // A detail edit refused because someone changed the account meanwhile: it shows their version.
    let reloaded_by = RwSignal::new(None::<String>);
    let errors = FormErrors::default();
    let apply = Callback::new(move |result: Result<Saved, ApiError>| match result {
        Ok(Saved::Account(a)) => {
            reloaded_by.set(None);
            errors.clear();
            account.set(a);
        }
        Ok(Saved::Contact(_)) => {}
        Err(ApiError::VersionConflict(c)) => {
            let Some(c) = c.decode() else { return errors.api(&ApiError::Server(String::new())) };
            if let Some(current) = Account::from_current(c.current) {
                account.set(current);
            }
            reloaded_by.set(Some(c.changed_by));
        }
        Err(e) => errors.api(&e),
    });
    let owner = DetailOwner::Account(account.with_untracked(|a| a.id));
    let version = Signal::derive(move || account.with(|a| a.version));
    let list = move |kind: DetailKind| {
        Signal::derive(move || {
            account.with(|a| match kind {
                DetailKind::Phone => a.phones.clone(),
                DetailKind::Email => a.emails.clone(),
                DetailKind::Identifier => a.identifiers.clone(),
            })
        })
    };
    view! {
        <div class=css::record data-testid="account" data-version=move || account.with(|a| a.version)>
            <p class=css::subhead>{t!(i18n, customer.account)}</p>
            <div class=css::heading>
                <p class=css::name>{move || account.with(|a| a.name.clone())}</p>
                <button class="button" data-testid="account-edit" aria-expanded=move || editing.get().to_string()
                    on:click=move |_| editing.update(|e| *e = !*e)>{t!(i18n, records.edit)}</button>
            </div>
            <Show when=move || editing.get()>
                <AccountFormChunk account=Some(account) link_conversation=None
                    done=Callback::new(move |_| editing.set(false)) />
            </Show>
            <dl class=css::facts>
                <dt>{t!(i18n, customer.location)}</dt>
                <dd>{move || account.with(|a| format!("{}, {}", a.city, a.country))}</dd>
                <dt>{t!(i18n, customer.phones)}</dt>
                <dd><DetailList owner kind=DetailKind::Phone points=list(DetailKind::Phone) version apply /></dd>
                <dt>{t!(i18n, customer.emails)}</dt>
                <dd><DetailList owner kind=DetailKind::Email points=list(DetailKind::Email) version apply /></dd>
                <dt>{t!(i18n, records.identifiers)}</dt>
                <dd><DetailList owner kind=DetailKind::Identifier points=list(DetailKind::Identifier) version apply /></dd>
                <dt>{t!(i18n, customer.addresses)}</dt>
                <dd>
                    <AddressList owner addresses=Signal::derive(move || account.with(|a| a.addresses.clone())) version apply />
                </dd>
                <dt>{t!(i18n, customer.primary_contact)}</dt>
                <dd>{move || account.with(|a| a.primary_contact.as_ref().map(|c| c.name.clone()).unwrap_or_default())}</dd>
            </dl>
            {move || reloaded_by.get().map(|by| view! {
                <p class=css::notice role="alert">{t!(i18n, records.reloaded, name = by)}</p>
            })}
            <FieldMessage errors field="" />
            <AddDetail owner version apply />
            <AuditLog record="accounts" id=Signal::derive(move || account.with(|a| a.id)) version=Signal::derive(move || account.with(|a| a.version)) />
        </div>
    }
}

/// Edits `account` when given, otherwise creates one (linked to the conversation's contact when asked).
#[component]
pub fn AccountForm(
    account: Option<RwSignal<Account>>,
    link_conversation: Option<i64>,
    done: Callback<Option<Account>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let start = account.map(|a| a.get_untracked());
    let name = RwSignal::new(start.as_ref().map(|a| a.name.clone()).unwrap_or_default());
    let city = RwSignal::new(start.as_ref().map(|a| a.city.clone()).unwrap_or_default());
    let country = RwSignal::new(start.as_ref().map(|a| a.country.clone()).unwrap_or_default());
    // Only a new account takes its first phone here; later phones are details.
    let phone = RwSignal::new(String::new());
    let versioned = VersionedSave::<Account>::default();
    let VersionedSave { errors, conflict, .. } = versioned;
    // What the form opened with: re-applying after a conflict keeps only the fields the agent changed.
    let opened = StoredValue::new([name, city, country].map(|s| s.get_untracked()));
    let opened_version = StoredValue::new(start.as_ref().map(|a| a.version));
    let save = move |version: Option<i64>| {
        let fields = AccountFields {
            version,
            name: name.get_untracked(),
            city: city.get_untracked(),
            country: country.get_untracked(),
            phone: Some(phone.get_untracked()).filter(|p| !p.trim().is_empty()),
            link_conversation,
        };
        if let Err(e) = validate_account(&fields) {
            errors.field(&e);
            return;
        }
        let request = async move {
            match account {
                Some(a) => api::save_account(a.with_untracked(|a| a.id), &fields).await,
                None => api::create_account(&fields).await,
            }
        };
        versioned.send(request, move |saved: Account| {
            if let Some(a) = account {
                a.set(saved.clone());
            }
            done.run(Some(saved));
        });
    };
    let conflict_view = move || {
        conflict.get().map(|(c, current)| {
            let row = |label: String, mine: RwSignal<String>, theirs: String| Difference {
                label,
                mine: mine.get_untracked(),
                theirs,
            };
            let differences = vec![
                row(t_string!(i18n, records.account_name).to_string(), name, current.name.clone()),
                row(t_string!(i18n, records.city).to_string(), city, current.city.clone()),
                row(t_string!(i18n, records.country).to_string(), country, current.country.clone()),
            ];
            let version = current.version;
            let theirs = [current.name.clone(), current.city.clone(), current.country.clone()];
            let use_theirs = Callback::new(move |()| {
                if let Some(a) = account {
                    a.set(current.clone());
                }
                conflict.set(None);
                done.run(None);
            });
            let reapply = Callback::new(move |()| {
                keep_changes([name, city, country], &opened.get_value(), &theirs);
                opened.set_value(theirs.clone());
                opened_version.set_value(Some(version));
                save(Some(version))
            });
            view! { <ConflictNotice changed_by=c.changed_by changed_at=c.changed_at differences use_theirs reapply /> }
        })
    };
    view! {
        <form class=css::form data-testid="account-form" on:submit=move |ev| {
            ev.prevent_default();
            // As for a contact: the account's version if nobody changed these fields since the form opened
            // (a detail edit moves it too), otherwise the opened one, so the save is compared.
            let version = account.map(|a| {
                let (now, same) = a.with_untracked(|a| (a.version, [&a.name, &a.city, &a.country] == opened.get_value().each_ref()));
                if same { now } else { opened_version.get_value().unwrap_or(now) }
            });
            save(version);
        }>
            <TextField label=ViewFn::from(move || t!(i18n, records.account_name)) value=name errors field="name" />
            <TextField label=ViewFn::from(move || t!(i18n, records.city)) value=city errors field="city" />
            <TextField label=ViewFn::from(move || t!(i18n, records.country)) value=country errors field="country" />
            {account.is_none().then(|| view! {
                <TextField label=ViewFn::from(move || t!(i18n, customer.phone)) value=phone errors field="phone" kind="tel" />
            })}
            {conflict_view}
            <FieldMessage errors field="" />
            <div class=css::actions>
                <button type="button" class="button" on:click=move |_| done.run(None)>{t!(i18n, records.cancel)}</button>
                <button type="submit" class="button primary" data-testid="account-save">{t!(i18n, records.save)}</button>
            </div>
        </form>
    }
}

split_view!(records, pub fn account_form(account: Option<RwSignal<Account>>, link_conversation: Option<i64>, done: Callback<Option<Account>>) =>
    view! { <AccountForm account link_conversation done /> });

/// The account form, fetched with the records chunk.
#[component]
pub fn AccountFormChunk(
    account: Option<RwSignal<Account>>,
    link_conversation: Option<i64>,
    done: Callback<Option<Account>>,
) -> impl IntoView {
    lazy_view(move || account_form(account, link_conversation, done))
}
