//! `/desk/directory`: the contact directory beside the task list. Search, page, open, create, edit,
//! merge and delete contacts and accounts without leaving the desk (offers still ring).
//! `?contact=<id>` (or `?account=<id>`) opens that record, as a listing's detail links to it.

use hovor_types::customer::{Account, Contact, KnownCustomer};
use hovor_types::directory::{DirectoryEntry, RecordKind};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;

use crate::api::records as api;
use crate::components::form::{FieldMessage, FormErrors};
use crate::components::lazy::split_view;
use crate::features::records::account::{AccountForm, AccountRecord};
use crate::features::records::contact::ContactRecord;
use crate::features::records::merge::MergeDialog;
use crate::features::records::new_contact::NewContactForm;
use crate::features::records::search::DirectorySearch;
use crate::features::records::workspace::{ContactTabs, RemoveContact};
use crate::i18n::{t, use_i18n};

use crate::widgets::record::css;

#[derive(Clone, PartialEq)]
enum Selection {
    None,
    Open(RecordKind, i64),
    NewContact,
    NewAccount,
}

#[component]
pub fn DirectoryPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let linked = |name: &str| query.read_untracked().get(name).and_then(|id| id.parse::<i64>().ok());
    let selection = RwSignal::new(match (linked("contact"), linked("account")) {
        (Some(id), _) => Selection::Open(RecordKind::Contact, id),
        (None, Some(id)) => Selection::Open(RecordKind::Account, id),
        (None, None) => Selection::None,
    });
    let refresh = RwSignal::new(0u32);
    let changed = move || refresh.update(|n| *n += 1);
    let open =
        Callback::new(move |entry: DirectoryEntry| selection.set(Selection::Open(entry.kind, entry.id)));
    let detail = move || match selection.get() {
        Selection::None => view! { <p class=css::muted>{t!(i18n, directory.choose)}</p> }.into_any(),
        Selection::NewContact => {
            let done = Callback::new(move |created: Option<Contact>| {
                changed();
                selection
                    .set(created.map_or(Selection::None, |c| Selection::Open(RecordKind::Contact, c.id)));
            });
            view! { <NewContactForm known=KnownCustomer::default() link_conversation=None done /> }.into_any()
        }
        Selection::NewAccount => {
            let done = Callback::new(move |created: Option<Account>| {
                changed();
                selection
                    .set(created.map_or(Selection::None, |a| Selection::Open(RecordKind::Account, a.id)));
            });
            view! { <AccountForm account=None link_conversation=None done /> }.into_any()
        }
        Selection::Open(RecordKind::Contact, id) => {
            let gone = Callback::new(move |()| {
                changed();
                selection.set(Selection::None);
            });
            view! { <ContactDetail id gone changed=Callback::new(move |()| changed()) /> }.into_any()
        }
        Selection::Open(RecordKind::Account, id) => {
            let gone = Callback::new(move |()| {
                changed();
                selection.set(Selection::None);
            });
            view! { <AccountDetail id gone /> }.into_any()
        }
    };
    view! {
        <div class=css::directory data-testid="directory">
            <section class=css::directory_list>
                <h1 class=css::page_title>{t!(i18n, directory.title)}</h1>
                <div class=css::actions>
                    <button class="button" data-testid="directory-new-contact" on:click=move |_| selection.set(Selection::NewContact)>
                        {t!(i18n, records.add_contact)}
                    </button>
                    <button class="button" data-testid="directory-new-account" on:click=move |_| selection.set(Selection::NewAccount)>
                        {t!(i18n, records.add_account)}
                    </button>
                </div>
                <DirectorySearch on_choose=open choose_label=ViewFn::from(move || t!(i18n, directory.open)) refresh />
            </section>
            <section class=css::directory_detail data-testid="directory-detail">{detail}</section>
        </div>
    }
}

#[component]
fn ContactDetail(id: i64, gone: Callback<()>, changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let loaded = LocalResource::new(move || api::contact(id));
    move || {
        loaded.get().map(|r| match r {
            Err(_) => view! { <p class=css::error role="alert">{t!(i18n, pane.error)}</p> }.into_any(),
            Ok(contact) => {
                view! { <ContactWorkspace contact=RwSignal::new(contact) gone changed /> }.into_any()
            }
        })
    }
}

#[component]
fn ContactWorkspace(contact: RwSignal<Contact>, gone: Callback<()>, changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let merging = RwSignal::new(false);
    view! {
        <div class=css::toolbar>
            <button class="button" data-testid="merge-contact" on:click=move |_| merging.set(true)>{t!(i18n, records.merge_contact)}</button>
            <RemoveContact contact removed=gone />
        </div>
        <Show when=move || merging.get()>
            <MergeDialog master=contact close=Callback::new(move |()| merging.set(false)) merged=changed />
        </Show>
        <ContactTabs name="directory-contact" contact changed record=ViewFn::from(move || view! { <ContactRecord contact /> }) />
    }
}

#[component]
fn AccountDetail(id: i64, gone: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let loaded = LocalResource::new(move || api::account(id));
    let errors = FormErrors::default();
    move || {
        loaded.get().map(|r| match r {
            Err(_) => view! { <p class=css::error role="alert">{t!(i18n, pane.error)}</p> }.into_any(),
            Ok(account) => {
                let account = RwSignal::new(account);
                let remove = move |_| {
                    let (id, version) = account.with_untracked(|a| (a.id, a.version));
                    spawn_local(async move {
                        match api::delete_account(id, version).await {
                            Ok(()) => gone.run(()),
                            Err(e) => errors.api(&e),
                        }
                    });
                };
                view! {
                    <div class=css::toolbar>
                        <button class="button danger" data-testid="remove-account" on:click=remove>{t!(i18n, records.remove_from_directory)}</button>
                    </div>
                    <FieldMessage errors field="" />
                    <AccountRecord account />
                }
                .into_any()
            }
        })
    }
}

split_view!(records, pub fn directory_page() => view! { <DirectoryPage /> });
