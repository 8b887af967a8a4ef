//! The customer: the contact's phones, emails and addresses (defaults marked) and its account.

use hovor_types::customer::{Account, Contact, ContactPoint, CustomerCard as Card};
use leptos::prelude::*;

use crate::api::conversations as api;
use crate::components::pane::resource_pane;
use crate::i18n::{t, use_i18n};

stylance::import_crate_style!(css, "src/features/customer_card.module.css");

#[component]
pub fn CustomerCard(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let card = LocalResource::new(move || api::customer(id));
    let render = move |card: Card| {
        let i18n = use_i18n();
        match card.contact {
            None => view! { <p class=css::muted>{t!(i18n, customer.none)}</p> }.into_any(),
            Some(contact) => view! {
                <ContactView contact />
                <AccountView account=card.account />
            }
            .into_any(),
        }
    };
    resource_pane(ViewFn::from(move || t!(i18n, customer.title)), "customer-card", card, render)
}

#[component]
fn ContactView(contact: Contact) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class=css::block data-testid="contact">
            <p class=css::name>{contact.full_name()}</p>
            <dl class=css::facts>
                <dt>{t!(i18n, customer.phones)}</dt>
                <dd><Points points=contact.phones kind="tel" /></dd>
                <dt>{t!(i18n, customer.emails)}</dt>
                <dd><Points points=contact.emails kind="mailto" /></dd>
                <dt>{t!(i18n, customer.addresses)}</dt>
                <dd>
                    <ul class=css::points>
                        {contact
                            .addresses
                            .into_iter()
                            .map(|a| view! {
                                <li>
                                    <span class=css::label>{label(&a.label)}</span>
                                    {format!("{}, {} {}, {}", a.street, a.postcode, a.city, a.country)}
                                </li>
                            })
                            .collect_view()}
                    </ul>
                </dd>
            </dl>
        </div>
    }
}

#[component]
fn Points(points: Vec<ContactPoint>, kind: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class=css::points>
            {points
                .into_iter()
                .map(|p| {
                    let href = format!("{kind}:{}", p.value.replace(' ', ""));
                    view! {
                        <li data-default=p.is_default.to_string()>
                            <span class=css::label>{label(&p.label)}</span>
                            <a href=href>{p.value}</a>
                            {p.is_default.then(|| view! { <span class=css::default>{t!(i18n, customer.default)}</span> })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

#[component]
fn AccountView(account: Option<Account>) -> impl IntoView {
    let i18n = use_i18n();
    let Some(account) = account else {
        return view! { <p class=css::muted>{t!(i18n, customer.no_account)}</p> }.into_any();
    };
    view! {
        <div class=css::block data-testid="account">
            <p class=css::subhead>{t!(i18n, customer.account)}</p>
            <p class=css::name>{account.name}</p>
            <dl class=css::facts>
                <dt>{t!(i18n, customer.location)}</dt>
                <dd>{format!("{}, {}", account.city, account.country)}</dd>
                <dt>{t!(i18n, customer.phone)}</dt>
                <dd>{account.phone.unwrap_or_default()}</dd>
                <dt>{t!(i18n, customer.primary_contact)}</dt>
                <dd>{account.primary_contact.map(|c| c.name).unwrap_or_default()}</dd>
            </dl>
        </div>
    }
    .into_any()
}

/// The translated name of a phone, email or address label; a label an administrator made up is shown as is.
fn label(value: &str) -> AnyView {
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
