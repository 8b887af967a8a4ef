//! The details of a contact or an account, edited in place under the record's version: phones, emails
//! and identifiers with Mark as default, Remove and Add detail; addresses with Add, Edit and Remove.
//! Each edit answers with the record as it is now, handed to the record's `apply`.

use hovor_types::customer::{
    Address, AddressFields, ContactPoint, DetailKind, NewDetail, validate_address, validate_detail,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::contact::label;
use crate::api::ApiError;
use crate::api::records::{self as api, DetailOwner, Saved};
use crate::components::form::css as form_css;
use crate::components::form::{FieldMessage, FormErrors, TextField};
use crate::i18n::{t, t_string, use_i18n};
use crate::widgets::record::css;

/// One kind of detail with its actions. Identifiers have no default.
#[component]
pub fn DetailList(
    owner: DetailOwner,
    kind: DetailKind,
    points: Signal<Vec<ContactPoint>>,
    version: Signal<i64>,
    apply: Callback<Result<Saved, ApiError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let row = move |p: ContactPoint| {
        let detail = p.id;
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
            let version = version.get_untracked();
            spawn_local(async move { apply.run(api::make_default(owner, detail, version).await) });
        };
        let remove = move |_| {
            let version = version.get_untracked();
            spawn_local(async move { apply.run(api::remove_detail(owner, detail, version).await) });
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
    view! { <ul class=css::points>{move || points.get().into_iter().map(row).collect_view()}</ul> }
}

/// Add detail: a phone, an email or an identifier, also when the record has one already.
#[component]
pub fn AddDetail(
    owner: DetailOwner,
    version: Signal<i64>,
    apply: Callback<Result<Saved, ApiError>>,
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
        let detail = NewDetail {
            version: Some(version.get_untracked()),
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
            let result = api::add_detail(owner, &detail).await;
            let ok = result.is_ok();
            if let Err(e) = &result
                && !matches!(e, ApiError::VersionConflict(_))
            {
                errors.api(e);
                return;
            }
            apply.run(result);
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

/// The record's addresses with Edit and Remove on each, and Add address.
#[component]
pub fn AddressList(
    owner: DetailOwner,
    addresses: Signal<Vec<Address>>,
    version: Signal<i64>,
    apply: Callback<Result<Saved, ApiError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    // The address being edited, `Some(None)` for a new one.
    let editing = RwSignal::new(None::<Option<i64>>);
    let row = move |a: Address| {
        let id = a.id;
        let text = a.one_line();
        let remove = move |_| {
            let version = version.get_untracked();
            spawn_local(async move { apply.run(api::remove_address(owner, id, version).await) });
        };
        view! {
            <li class=css::point data-testid="address">
                <span class=css::label>{label(&a.label)}</span>
                <span>{text.clone()}</span>
                <span class=css::row_actions>
                    <button class="button" data-testid="edit-address" on:click=move |_| editing.set(Some(Some(id)))>
                        {t!(i18n, records.edit)}
                    </button>
                    <button class="button" data-testid="remove-address" on:click=remove
                        aria-label=move || t_string!(i18n, records.remove_detail, value = text.clone()).to_string()>
                        {t!(i18n, records.remove)}
                    </button>
                </span>
            </li>
        }
    };
    // Outside the list and reading only `editing`: a change of the record (a conflict, another edit)
    // redraws the list but never the open form, so what the agent typed stays.
    let form = move || {
        editing.get().map(|id| {
            let start =
                id.and_then(|id| addresses.with_untracked(|list| list.iter().find(|a| a.id == id).cloned()));
            view! { <AddressForm owner address_id=id start version apply editing /> }
        })
    };
    view! {
        <ul class=css::points>{move || addresses.get().into_iter().map(row).collect_view()}</ul>
        <button class="button" data-testid="add-address" on:click=move |_| editing.set(Some(None))>
            {t!(i18n, records.add_address)}
        </button>
        {form}
    }
}

/// Adds an address, or edits the one with `address_id` (opened with `start`). Kept open with the agent's
/// input on a conflict or an error.
#[component]
fn AddressForm(
    owner: DetailOwner,
    address_id: Option<i64>,
    start: Option<Address>,
    version: Signal<i64>,
    apply: Callback<Result<Saved, ApiError>>,
    editing: RwSignal<Option<Option<i64>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let field =
        |f: fn(&Address) -> &String| RwSignal::new(start.as_ref().map(|a| f(a).clone()).unwrap_or_default());
    let label_value = field(|a| &a.label);
    let street = field(|a| &a.street);
    let city = field(|a| &a.city);
    let postcode = field(|a| &a.postcode);
    let country = field(|a| &a.country);
    let errors = FormErrors::default();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let fields = AddressFields {
            version: Some(version.get_untracked()),
            label: label_value.get_untracked(),
            street: street.get_untracked(),
            city: city.get_untracked(),
            postcode: postcode.get_untracked(),
            country: country.get_untracked(),
        };
        if let Err(e) = validate_address(&fields) {
            errors.field(&e);
            return;
        }
        errors.clear();
        spawn_local(async move {
            let result = match address_id {
                Some(id) => api::save_address(owner, id, &fields).await,
                None => api::add_address(owner, &fields).await,
            };
            match &result {
                Ok(_) => editing.set(None),
                // The record shows the other agent's version; the form keeps what was typed.
                Err(ApiError::VersionConflict(_)) => {}
                Err(e) => return errors.api(e),
            }
            apply.run(result);
        });
    };
    view! {
        <form class=css::form data-testid="address-form" on:submit=submit>
            <TextField label=ViewFn::from(move || t!(i18n, records.detail_label)) value=label_value errors field="label" />
            <TextField label=ViewFn::from(move || t!(i18n, records.street)) value=street errors field="street" />
            <TextField label=ViewFn::from(move || t!(i18n, records.postcode)) value=postcode errors field="postcode" />
            <TextField label=ViewFn::from(move || t!(i18n, records.city)) value=city errors field="city" />
            <TextField label=ViewFn::from(move || t!(i18n, records.country)) value=country errors field="country" />
            <FieldMessage errors field="" />
            <FieldMessage errors field="version" />
            <div class=css::actions>
                <button type="button" class="button" on:click=move |_| editing.set(None)>{t!(i18n, records.cancel)}</button>
                <button type="submit" class="button primary" data-testid="address-save">{t!(i18n, records.save)}</button>
            </div>
        </form>
    }
}
