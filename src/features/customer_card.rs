//! The customer (GEN customer records, MLU client card, D365 customer): a compact card always on top of
//! the right panel (name, language, default phone and email, account) with Edit and an Options menu of
//! record actions; the full record with History and Merge details is the panel's Customer sub-pane.

use hovor_types::conversation::{Channel, StartOutbound};
use hovor_types::customer::{Account, Contact, CustomerCard as Card, KnownCustomer};
use hovor_types::directory::DirectoryEntry;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::api::client::Encoded;
use crate::api::conversations as api;
use crate::api::records as records_api;
use crate::components::avatar::Avatar;
use crate::components::form::{FieldMessage, FormErrors};
use crate::components::lazy::{lazy_view, split_view};
use crate::components::menu::{Menu, css as menu_css};
use crate::components::pane::{decoded, resource_pane};
use crate::features::records::account::{AccountRecord, account_form};
use crate::features::records::contact::ContactRecord;
use crate::features::records::merge::merge_dialog;
use crate::features::records::new_contact::new_contact_form;
use crate::features::records::search::find_contact;
use crate::features::records::workspace::{ConfirmRemoveContact, ContactTabs};
use crate::features::side_panel::{Side, use_side_view};
use crate::i18n::{t, use_i18n};
use crate::state::conversation::use_open_conversation;
use crate::state::live::use_live;

use crate::widgets::record::css;

stylance::import_crate_style!(card_css, "src/features/customer_card.module.css");

/// What the card shows besides the record itself.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Card,
    /// Directory/Find to set or change the contact.
    Find,
    NewContact,
    NewAccount,
    Merge,
}

/// `details`: the full record is shown (the Customer sub-pane).
#[component]
pub fn CustomerCard(id: i64, details: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let card = LocalResource::new(move || api::customer(id));
    let render = move |c: Encoded<Card>| {
        let reload = Callback::new(move |()| card.refetch());
        lazy_view(move || card_view(id, c.clone(), reload, details))
    };
    resource_pane(ViewFn::from(move || t!(i18n, customer.title)), "customer-card", card, render)
}

#[component]
fn CardView(id: i64, card: Card, reload: Callback<()>, details: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let open = use_open_conversation();
    let side = use_side_view();
    let mode = RwSignal::new(Mode::Card);
    let errors = FormErrors::default();
    // A change of contact reaches the case, timeline and session panes too.
    let changed = Callback::new(move |()| {
        open.records_changed();
        reload.run(());
    });
    let set_contact = Callback::new(move |contact_id: Option<i64>| {
        spawn_local(async move {
            match records_api::set_contact(id, contact_id).await {
                Ok(_) => changed.run(()),
                Err(e) => errors.api(&e),
            }
        });
    });
    let find = move || {
        (mode.get() == Mode::Find).then(|| {
            let choose = Callback::new(move |entry: DirectoryEntry| set_contact.run(Some(entry.id)));
            view! {
                <div class=css::inset data-testid="find-contact">
                    {lazy_view(move || find_contact(choose, ViewFn::from(move || t!(i18n, records.choose))))}
                    <button class="button" on:click=move |_| mode.set(Mode::Card)>{t!(i18n, records.cancel)}</button>
                </div>
            }
        })
    };
    let Some(contact) = card.contact else {
        let known = card.known;
        return view! {
            <p class=css::muted>{t!(i18n, customer.none)}</p>
            <Known known=known.clone() />
            <div class=css::actions>
                <button class="button" data-testid="set-contact" on:click=move |_| mode.set(Mode::Find)>{t!(i18n, records.set_contact)}</button>
                <button class="button" data-testid="add-contact" on:click=move |_| mode.set(Mode::NewContact)>{t!(i18n, records.add_contact)}</button>
            </div>
            {find}
            {move || (mode.get() == Mode::NewContact).then(|| {
                let done = Callback::new(move |created: Option<Contact>| {
                    mode.set(Mode::Card);
                    if created.is_some() { changed.run(()) }
                });
                let known = known.clone();
                lazy_view(move || new_contact_form(known.clone(), Some(id), done))
            })}
            <FieldMessage errors field="" />
        }
        .into_any();
    };
    let contact = RwSignal::new(contact);
    let account = card.account.map(RwSignal::new);
    let editing = RwSignal::new(false);
    let removing = RwSignal::new(false);
    let outbound = move |channel: Channel| {
        let navigate = use_navigate();
        let live = use_live();
        spawn_local(async move {
            match records_api::start_outbound(id, StartOutbound { channel }).await {
                Ok(task) => {
                    live.work_changed();
                    navigate(&format!("/desk/{}", task.id), Default::default());
                }
                Err(e) => errors.api(&e),
            }
        });
    };
    let has_phone = move || contact.with(|c| c.default_phone().is_some());
    let has_email = move || contact.with(|c| c.default_email().is_some());
    let record = ViewFn::from(move || {
        view! {
            <ContactRecord contact editing />
            {match account {
                Some(account) => view! { <AccountRecord account /> }.into_any(),
                None => view! {
                    <p class=css::muted>{t!(i18n, customer.no_account)}</p>
                    <button class="button" data-testid="add-account" on:click=move |_| mode.set(Mode::NewAccount)>{t!(i18n, records.add_account)}</button>
                }
                .into_any(),
            }}
        }
    });
    let edit = move |_| {
        editing.set(true);
        side.show(Side::Customer);
    };
    view! {
        <Compact contact account>
            <button class="button" data-testid="card-edit" on:click=edit>{t!(i18n, records.edit)}</button>
            <Menu label=ViewFn::from(move || t!(i18n, customer.options)) testid="card-options">
                <button role="menuitem" class=menu_css::item data-testid="start-call" disabled=move || !has_phone() on:click=move |_| outbound(Channel::Voice)>
                    {t!(i18n, records.start_call)}
                </button>
                <button role="menuitem" class=menu_css::item data-testid="new-email" disabled=move || !has_email() on:click=move |_| outbound(Channel::Email)>
                    {t!(i18n, records.new_email)}
                </button>
                <div class=menu_css::separator role="separator"></div>
                <button role="menuitem" class=menu_css::item data-testid="change-contact" on:click=move |_| mode.set(Mode::Find)>{t!(i18n, records.change_contact)}</button>
                <button role="menuitem" class=menu_css::item data-testid="merge-contact" on:click=move |_| mode.set(Mode::Merge)>{t!(i18n, records.merge_contact)}</button>
                <button role="menuitem" class=menu_css::item data-testid="unlink-contact" on:click=move |_| set_contact.run(None)>{t!(i18n, records.unlink)}</button>
                <div class=menu_css::separator role="separator"></div>
                <button role="menuitem" class=menu_css::item data-kind="danger" data-testid="remove-contact" on:click=move |_| removing.set(true)>
                    {t!(i18n, records.remove_from_directory)}
                </button>
            </Menu>
        </Compact>
        <ConfirmRemoveContact contact removed=changed open=removing />
        <FieldMessage errors field="" />
        {find}
        {move || (mode.get() == Mode::NewAccount).then(|| {
            let done = Callback::new(move |created: Option<Account>| {
                mode.set(Mode::Card);
                if created.is_some() { changed.run(()) }
            });
            lazy_view(move || account_form(None, Some(id), done))
        })}
        {move || (mode.get() == Mode::Merge).then(|| {
            let close = Callback::new(move |()| mode.set(Mode::Card));
            lazy_view(move || merge_dialog(contact, close, changed))
        })}
        <div id=format!("side-{}-{id}", Side::Customer.as_str()) class=card_css::details data-testid="customer-details" hidden=move || !details.get()>
            <ContactTabs name="customer" contact changed record />
        </div>
    }
    .into_any()
}

/// The card's few lines: name and language, default phone and email, account; `children` are its buttons.
#[component]
fn Compact(
    contact: RwSignal<Contact>,
    account: Option<RwSignal<Account>>,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let phone = move || contact.with(|c| c.default_phone().map(|p| p.value.clone()));
    let email = move || contact.with(|c| c.default_email().map(|p| p.value.clone()));
    view! {
        <div class=card_css::compact data-testid="card-summary">
            <div class=card_css::head>
                <Avatar name=Signal::derive(move || contact.with(Contact::full_name)) />
                <p class=card_css::name data-testid="card-name" title=move || contact.with(Contact::full_name)>{move || contact.with(Contact::full_name)}</p>
                <span class=card_css::language data-testid="card-language" title=move || crate::i18n::t_string!(i18n, records.language)>
                    {move || contact.with(|c| c.language.clone())}
                </span>
                <span class=card_css::buttons>{children()}</span>
            </div>
            <p class=card_css::line>
                {move || phone().map(|p| view! { <a href=format!("tel:{p}") data-testid="card-phone">{p.clone()}</a> })}
                {move || email().map(|e| view! { <a href=format!("mailto:{e}") data-testid="card-email">{e.clone()}</a> })}
            </p>
            {account.map(|a| view! { <p class=card_css::line data-testid="card-account">{move || a.with(|a| a.name.clone())}</p> })}
        </div>
    }
}

/// What the conversation knows about an unlinked customer.
#[component]
fn Known(known: KnownCustomer) -> impl IntoView {
    let i18n = use_i18n();
    let name = format!("{} {}", known.first_name, known.last_name);
    (!name.trim().is_empty() || known.email.is_some()).then(|| {
        view! {
            <dl class=css::facts data-testid="known-customer">
                <dt>{t!(i18n, records.name)}</dt><dd>{name}</dd>
                {known.email.map(|e| view! { <dt>{t!(i18n, records.email)}</dt><dd>{e}</dd> })}
                {known.phone.map(|p| view! { <dt>{t!(i18n, customer.phone)}</dt><dd>{p}</dd> })}
            </dl>
        }
    })
}

split_view!(panes, fn card_view(id: i64, card: Encoded<Card>, reload: Callback<()>, details: Signal<bool>) =>
    decoded(&card, |card| view! { <CardView id card reload details /> }));
