//! A contact record, in the card and in the directory alike: inline edit under its version, phones,
//! emails and identifiers with Mark as default, Remove and Add detail, addresses, and its changes.

use hovor_types::customer::{
    Contact, ContactFields, ContactPoint, DetailKind, LANGUAGES, NewDetail, validate_contact, validate_detail,
};
use hovor_types::version::{CurrentRecord, VersionConflict};
use leptos::prelude::*;

use crate::components::lazy::{lazy_view, split_view};
use leptos::task::spawn_local;

use super::account::keep_changes;
use super::audit::AuditLog;
use super::conflict::{ConflictNotice, Difference};
use crate::api::ApiError;
use crate::api::records as api;
use crate::components::form::{FieldMessage, FormErrors, TextField};
use crate::i18n::{t, t_string, use_i18n};

use crate::components::form::css as form_css;
use crate::features::records::css;

#[component]
pub fn ContactRecord(contact: RwSignal<Contact>) -> impl IntoView {
    let i18n = use_i18n();
    let editing = RwSignal::new(false);
    // A detail action refused because someone changed the contact meanwhile: the card shows their version.
    let reloaded_by = RwSignal::new(None::<String>);
    let errors = FormErrors::default();
    let apply = move |result: Result<Contact, ApiError>| match result {
        Ok(c) => {
            reloaded_by.set(None);
            errors.clear();
            contact.set(c);
        }
        Err(ApiError::VersionConflict(c)) => {
            if let CurrentRecord::Contact(current) = c.current {
                contact.set(current);
            }
            reloaded_by.set(Some(c.changed_by));
        }
        Err(e) => errors.api(&e),
    };
    let name = move || contact.with(Contact::full_name);
    view! {
        <div class=css::record data-testid="contact" data-version=move || contact.with(|c| c.version)>
            <div class=css::heading>
                <p class=css::name data-testid="contact-name">{name}</p>
                <button class="button" data-testid="contact-edit" aria-expanded=move || editing.get().to_string()
                    on:click=move |_| editing.update(|e| *e = !*e)>
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
                <dd><Details contact kind=DetailKind::Phone apply /></dd>
                <dt>{t!(i18n, customer.emails)}</dt>
                <dd><Details contact kind=DetailKind::Email apply /></dd>
                <dt>{t!(i18n, records.identifiers)}</dt>
                <dd><Details contact kind=DetailKind::Identifier apply /></dd>
                <dt>{t!(i18n, customer.addresses)}</dt>
                <dd>
                    <ul class=css::points>
                        {move || contact.with(|c| c.addresses.iter().map(|a| {
                            let text = format!("{}, {} {}, {}", a.street, a.postcode, a.city, a.country);
                            view! { <li><span class=css::label>{label(&a.label)}</span>{text}</li> }
                        }).collect_view())}
                    </ul>
                </dd>
            </dl>
            <FieldMessage errors field="" />
            <AddDetail contact apply />
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
    let errors = FormErrors::default();
    let conflict = RwSignal::new(None::<(VersionConflict, Contact)>);
    let busy = RwSignal::new(false);
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
        errors.clear();
        busy.set(true);
        spawn_local(async move {
            let result = api::save_contact(c.id, &fields).await;
            busy.set(false);
            match result {
                Ok(saved) => {
                    conflict.set(None);
                    contact.set(saved);
                    editing.set(false);
                }
                Err(ApiError::VersionConflict(c)) => {
                    if let CurrentRecord::Contact(current) = c.current.clone() {
                        conflict.set(Some((*c, current)));
                    }
                }
                Err(e) => errors.api(&e),
            }
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
            save(contact.get_untracked().version);
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

/// One kind of detail with its actions. Identifiers have no default.
#[component]
fn Details(
    contact: RwSignal<Contact>,
    kind: DetailKind,
    apply: impl Fn(Result<Contact, ApiError>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let points = move || {
        contact.with(|c| match kind {
            DetailKind::Phone => c.phones.clone(),
            DetailKind::Email => c.emails.clone(),
            DetailKind::Identifier => c.identifiers.clone(),
        })
    };
    let row = move |p: ContactPoint| {
        let (id, detail) = (contact.with_untracked(|c| c.id), p.id);
        let href = match kind {
            DetailKind::Phone => Some(format!("tel:{}", p.value.replace(' ', ""))),
            DetailKind::Email => Some(format!("mailto:{}", p.value)),
            DetailKind::Identifier => None,
        };
        let value = match href {
            Some(href) => view! { <a href=href>{p.value.clone()}</a> }.into_any(),
            None => view! { <span>{p.value.clone()}</span> }.into_any(),
        };
        let can_default = kind != DetailKind::Identifier && !p.is_default;
        let make_default = move |_| {
            let version = contact.with_untracked(|c| c.version);
            spawn_local(async move { apply(api::make_default(id, detail, version).await) });
        };
        let remove = move |_| {
            let version = contact.with_untracked(|c| c.version);
            spawn_local(async move { apply(api::remove_detail(id, detail, version).await) });
        };
        view! {
            <li class=css::point data-default=p.is_default.to_string() data-testid=format!("detail-{}", kind.as_str())>
                <span class=css::label>{label(&p.label)}</span>
                {value}
                {p.is_default.then(|| view! { <span class=css::default>{t!(i18n, customer.default)}</span> })}
                <span class=css::row_actions>
                    {can_default.then(|| view! {
                        <button class="button" data-testid="mark-default" on:click=make_default>{t!(i18n, records.mark_default)}</button>
                    })}
                    <button class="button" data-testid="remove-detail" on:click=remove
                        aria-label=move || t_string!(i18n, records.remove_detail, value = p.value.clone()).to_string()>
                        {t!(i18n, records.remove)}
                    </button>
                </span>
            </li>
        }
    };
    view! { <ul class=css::points>{move || points().into_iter().map(row).collect_view()}</ul> }
}

/// Add detail: a phone, an email or an identifier, also when the contact has one already.
#[component]
fn AddDetail(
    contact: RwSignal<Contact>,
    apply: impl Fn(Result<Contact, ApiError>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let kind = RwSignal::new(DetailKind::Phone);
    let label_value = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let make_default = RwSignal::new(false);
    let errors = FormErrors::default();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (id, version) = contact.with_untracked(|c| (c.id, c.version));
        let detail = NewDetail {
            version: Some(version),
            kind: kind.get_untracked(),
            label: label_value.get_untracked(),
            value: value.get_untracked(),
            make_default: make_default.get_untracked(),
        };
        if let Err(e) = validate_detail(&detail) {
            errors.field(&e);
            return;
        }
        errors.clear();
        spawn_local(async move {
            let result = api::add_detail(id, &detail).await;
            let ok = result.is_ok();
            if let Err(e) = &result
                && !matches!(e, ApiError::VersionConflict(_))
            {
                errors.api(e);
                return;
            }
            apply(result);
            // Kept on a conflict: the agent adds it again to the version now shown.
            if ok {
                value.set(String::new());
                label_value.set(String::new());
                open.set(false);
            }
        });
    };
    view! {
        <button class="button" data-testid="add-detail" aria-expanded=move || open.get().to_string()
            on:click=move |_| open.update(|o| *o = !*o)>
            {t!(i18n, records.add_detail)}
        </button>
        <Show when=move || open.get()>
            <form class=css::form data-testid="add-detail-form" on:submit=submit>
                <label class=form_css::field>
                    <span class=form_css::label>{t!(i18n, records.detail_kind)}</span>
                    <select name="kind" on:change=move |ev| {
                        if let Some(k) = DetailKind::parse(&event_target_value(&ev)) { kind.set(k) }
                    }>
                        <option value="phone">{t!(i18n, records.kind_phone)}</option>
                        <option value="email">{t!(i18n, records.kind_email)}</option>
                        <option value="identifier">{t!(i18n, records.kind_identifier)}</option>
                    </select>
                </label>
                <TextField label=ViewFn::from(move || t!(i18n, records.detail_label)) value=label_value errors field="label" />
                <TextField label=ViewFn::from(move || t!(i18n, records.detail_value)) value=value errors field="value" />
                <Show when=move || kind.get() != DetailKind::Identifier>
                    <label class=css::check>
                        <input type="checkbox" prop:checked=move || make_default.get()
                            on:change=move |ev| make_default.set(event_target_checked(&ev)) />
                        {t!(i18n, records.make_default)}
                    </label>
                </Show>
                <FieldMessage errors field="" />
                <FieldMessage errors field="version" />
                <button type="submit" class="button primary" data-testid="add-detail-save">{t!(i18n, records.add)}</button>
            </form>
        </Show>
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
