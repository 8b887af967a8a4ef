//! A contact record, in the card and in the directory alike: inline edit under its version, phones,
//! emails and identifiers with Mark as default, Remove and Add detail, addresses, and its changes.

use hovor_types::customer::{Contact, ContactFields, DetailKind, LANGUAGES, validate_contact};
use leptos::prelude::*;

use crate::components::lazy::{lazy_view, split_view};

use super::details::{AddDetail, AddressList, DetailList};
use crate::api::ApiError;
use crate::api::records::{self as api, DetailOwner, Saved};
use crate::components::form::{FieldMessage, FormErrors, TextField};
use crate::components::icon::{Glyph, Icon};
use crate::i18n::{t, t_string, use_i18n};
use crate::widgets::audit::AuditLog;
use crate::widgets::versioned::{ConflictNotice, Difference, Versioned, VersionedSave, keep_changes};

use crate::components::form::css as form_css;
use crate::widgets::record::css;

#[component]
pub fn ContactRecord(
    contact: RwSignal<Contact>,
    /// Whether the edit form is open; the desk's card opens it from its own Edit.
    #[prop(optional)]
    editing: Option<RwSignal<bool>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let editing = editing.unwrap_or_else(|| RwSignal::new(false));
    // A detail action refused because someone changed the contact meanwhile: the card shows their version.
    let reloaded_by = RwSignal::new(None::<String>);
    let errors = FormErrors::default();
    let apply = Callback::new(move |result: Result<Saved, ApiError>| match result {
        Ok(Saved::Contact(c)) => {
            reloaded_by.set(None);
            errors.clear();
            contact.set(c);
        }
        Ok(Saved::Account(_)) => {}
        Err(ApiError::VersionConflict(c)) => {
            let Some(c) = c.decode() else { return errors.api(&ApiError::Server(String::new())) };
            if let Some(current) = Contact::from_current(c.current) {
                contact.set(current);
            }
            reloaded_by.set(Some(c.changed_by));
        }
        Err(e) => errors.api(&e),
    });
    let owner = DetailOwner::Contact(contact.with_untracked(|c| c.id));
    let version = Signal::derive(move || contact.with(|c| c.version));
    let list = move |kind: DetailKind| {
        Signal::derive(move || {
            contact.with(|c| match kind {
                DetailKind::Phone => c.phones.clone(),
                DetailKind::Email => c.emails.clone(),
                DetailKind::Identifier => c.identifiers.clone(),
            })
        })
    };
    let name = move || contact.with(Contact::full_name);
    view! {
        <div class=css::record data-testid="contact" data-version=move || contact.with(|c| c.version)>
            <div class=css::heading>
                <p class=css::name data-testid="contact-name">{name}</p>
                <button class="button" data-testid="contact-edit" aria-expanded=move || editing.get().to_string()
                    on:click=move |_| editing.update(|e| *e = !*e)>
                    <Icon glyph=Glyph::Edit />
                    {t!(i18n, records.edit)}
                </button>
            </div>
            <Show when=move || editing.get()>
                {lazy_view(move || contact_edit_form(contact, editing))}
            </Show>
            {move || reloaded_by.get().map(|by| view! {
                <p class=css::notice role="alert">{t!(i18n, records.reloaded, name = by)}</p>
            })}
            <dl class=css::facts>
                <dt>{t!(i18n, records.language)}</dt>
                <dd>{move || contact.with(|c| c.language.clone())}</dd>
                <dt>{t!(i18n, customer.phones)}</dt>
                <dd><DetailList owner kind=DetailKind::Phone points=list(DetailKind::Phone) version apply /></dd>
                <dt>{t!(i18n, customer.emails)}</dt>
                <dd><DetailList owner kind=DetailKind::Email points=list(DetailKind::Email) version apply /></dd>
                <dt>{t!(i18n, records.identifiers)}</dt>
                <dd><DetailList owner kind=DetailKind::Identifier points=list(DetailKind::Identifier) version apply /></dd>
                <dt>{t!(i18n, customer.addresses)}</dt>
                <dd>
                    <AddressList owner addresses=Signal::derive(move || contact.with(|c| c.addresses.clone())) version apply />
                </dd>
            </dl>
            <FieldMessage errors field="" />
            <AddDetail owner version apply />
            <AuditLog record="contacts" id=Signal::derive(move || contact.with(|c| c.id)) version=Signal::derive(move || contact.with(|c| c.version)) />
        </div>
    }
}

/// The inline edit of name and language. A conflict keeps the agent's values on screen beside the saved ones.
#[component]
fn ContactEditForm(contact: RwSignal<Contact>, editing: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let start = contact.get_untracked();
    // What the form opened with: re-applying after a conflict keeps only the fields the agent changed.
    let opened = StoredValue::new(start.clone());
    let first = RwSignal::new(start.first_name.clone());
    let last = RwSignal::new(start.last_name.clone());
    let language = RwSignal::new(start.language.clone());
    let versioned = VersionedSave::<Contact>::default();
    let VersionedSave { busy, errors, conflict } = versioned;
    let save = move |version: i64| {
        let c = contact.get_untracked();
        let fields = ContactFields {
            version: Some(version),
            first_name: first.get_untracked(),
            last_name: last.get_untracked(),
            language: language.get_untracked(),
            account_id: c.account_id,
        };
        if let Err(e) = validate_contact(&fields) {
            errors.field(&e);
            return;
        }
        versioned.send(async move { api::save_contact(c.id, &fields).await }, move |saved| {
            contact.set(saved);
            editing.set(false);
        });
    };
    let conflict_view = move || {
        conflict.get().map(|(c, current)| {
            let differences = vec![
                Difference {
                    label: t_string!(i18n, records.first_name).to_string(),
                    mine: first.get_untracked(),
                    theirs: current.first_name.clone(),
                },
                Difference {
                    label: t_string!(i18n, records.last_name).to_string(),
                    mine: last.get_untracked(),
                    theirs: current.last_name.clone(),
                },
                Difference {
                    label: t_string!(i18n, records.language).to_string(),
                    mine: language.get_untracked(),
                    theirs: current.language.clone(),
                },
            ];
            let version = current.version;
            let theirs = current.clone();
            let reapply = Callback::new(move |()| {
                let was = opened.get_value();
                keep_changes(
                    [first, last, language],
                    &[was.first_name, was.last_name, was.language],
                    &[theirs.first_name.clone(), theirs.last_name.clone(), theirs.language.clone()],
                );
                opened.set_value(theirs.clone());
                save(version)
            });
            let use_theirs = Callback::new(move |()| {
                first.set(current.first_name.clone());
                last.set(current.last_name.clone());
                language.set(current.language.clone());
                contact.set(current.clone());
                conflict.set(None);
                editing.set(false);
            });
            view! { <ConflictNotice changed_by=c.changed_by changed_at=c.changed_at differences use_theirs reapply /> }
        })
    };
    view! {
        <form class=css::form data-testid="contact-form" on:submit=move |ev| {
            ev.prevent_default();
            // The record's version if nobody changed these fields since the form opened (a detail edit
            // moves it too); otherwise the opened one, so the save is refused and compared, not overwriting.
            let (now, was) = (contact.get_untracked(), opened.get_value());
            let same = (&now.first_name, &now.last_name, &now.language) == (&was.first_name, &was.last_name, &was.language);
            save(if same { now.version } else { was.version });
        }>
            <TextField label=ViewFn::from(move || t!(i18n, records.first_name)) value=first errors field="first_name" />
            <TextField label=ViewFn::from(move || t!(i18n, records.last_name)) value=last errors field="last_name" />
            <LanguageField value=language errors />
            {conflict_view}
            <FieldMessage errors field="" />
            <div class=css::actions>
                <button type="button" class="button" on:click=move |_| editing.set(false)>{t!(i18n, records.cancel)}</button>
                <button type="submit" class="button primary" data-testid="contact-save" disabled=move || busy.get()>
                    {t!(i18n, records.save)}
                </button>
            </div>
        </form>
    }
}

#[component]
pub fn LanguageField(value: RwSignal<String>, errors: FormErrors) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class=form_css::field>
            <span class=form_css::label>{t!(i18n, records.language)}</span>
            <select name="language" on:change=move |ev| value.set(event_target_value(&ev))>
                {LANGUAGES.iter().map(|l| view! {
                    <option value=*l selected=move || value.get() == *l>{*l}</option>
                }).collect_view()}
            </select>
            <FieldMessage errors field="language" />
        </label>
    }
}

/// The translated name of a phone, email or address label; a label someone made up is shown as is.
pub fn label(value: &str) -> AnyView {
    let i18n = use_i18n();
    match value {
        "mobile" => t!(i18n, customer.label.mobile).into_any(),
        "work" => t!(i18n, customer.label.work).into_any(),
        "home" => t!(i18n, customer.label.home).into_any(),
        "personal" => t!(i18n, customer.label.personal).into_any(),
        "billing" => t!(i18n, customer.label.billing).into_any(),
        other => other.to_owned().into_any(),
    }
}

split_view!(records, fn contact_edit_form(contact: RwSignal<Contact>, editing: RwSignal<bool>) =>
    view! { <ContactEditForm contact editing /> });
