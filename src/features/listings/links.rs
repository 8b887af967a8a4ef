//! The detail's links (DAK's activity list actions): the contact the interaction is paired with (open
//! it or its account in the directory, pair it with another found by name, email or phone, or with a
//! new contact) and the case it belongs to (open it, or merge it into a case found by number or
//! title). The server checks that
//! the user may see the interaction; the new contact's rules are `hovor_types::customer`'s.

use std::sync::Arc;

use hovor_types::customer::{ContactFields, NewContact, validate_new_contact};
use hovor_types::listing::{InteractionRow, Named};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::case::CaseView;
use super::css;
use super::strings::ListingWords;
use crate::api::listings as api;
use crate::components::form::{FieldMessage, FormErrors, TextField, api_text};
use crate::components::strings::fill;
use crate::i18n::{t_string, use_i18n};

/// What the links offer at the moment.
#[derive(Clone, Copy, PartialEq)]
enum Open {
    Nothing,
    FindContact,
    NewContact,
    FindCase,
    Case,
}

#[component]
pub fn Links(
    row: InteractionRow,
    words: Arc<ListingWords>,
    /// Opened from the list's "+": the contact search is open at once.
    pairing: bool,
    /// What the last change said; the detail keeps it while it reloads.
    said: RwSignal<Option<String>>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let open =
        RwSignal::new(if pairing && row.contact.is_none() { Open::FindContact } else { Open::Nothing });
    let id = row.id;
    let done = Callback::new(move |message: String| {
        open.set(Open::Nothing);
        said.set(Some(message));
        on_changed.run(());
    });
    let contact = match row.contact.clone() {
        Some(c) => view! {
            <span data-testid="links-contact">{c.name}</span>" "
            <a class="button" href=format!("/desk/directory?contact={}", c.id) data-testid="links-open-contact">
                {words.open_contact.clone()}
            </a>
        }
        .into_any(),
        None => view! { <span class=css::muted data-testid="links-contact">{words.not_paired.clone()}</span> }.into_any(),
    };
    let account = row.contact.is_some().then(|| match row.account.clone() {
        Some(a) => view! {
            <span data-testid="links-account">{a.name}</span>" "
            <a class="button" href=format!("/desk/directory?account={}", a.id) data-testid="links-open-account">
                {words.open_account.clone()}
            </a>
        }
        .into_any(),
        None => view! { <span class=css::muted data-testid="links-account">{words.no_account.clone()}</span> }.into_any(),
    });
    let account_label = words.account.clone();
    let case = match row.case.clone() {
        Some(c) => view! {
            <span data-testid="links-case">{c.name}</span>" "
            <button type="button" class="button" data-testid="links-open-case" aria-expanded=move || (open.get() == Open::Case).to_string()
                on:click=move |_| open.update(|o| *o = if *o == Open::Case { Open::Nothing } else { Open::Case })>
                {words.open_case.clone()}
            </button>
        }
        .into_any(),
        None => view! { <span class=css::muted data-testid="links-case">{words.no_case.clone()}</span> }
            .into_any(),
    };
    let toggle = move |which: Open| {
        move |_| {
            said.set(None);
            open.update(|o| *o = if *o == which { Open::Nothing } else { which });
        }
    };
    let pressed = move |which: Open| move || (open.get() == which).to_string();
    let panel = {
        let words = words.clone();
        move || match open.get() {
            Open::Nothing => ().into_any(),
            Open::FindContact => {
                view! { <Finder id words=words.clone() find=Find::Contacts done /> }.into_any()
            }
            Open::FindCase => view! { <Finder id words=words.clone() find=Find::Cases done /> }.into_any(),
            Open::NewContact => view! { <NewContactForm id words=words.clone() done /> }.into_any(),
            Open::Case => view! { <CaseView interaction_id=id words=words.clone() /> }.into_any(),
        }
    };
    view! {
        <dl class=css::fields data-testid="detail-links">
            <dt>{words.col_contact.clone()}</dt>
            <dd>{contact}</dd>
            {account.map(|account| view! { <dt>{account_label}</dt><dd>{account}</dd> })}
            <dt>{words.case.clone()}</dt>
            <dd>{case}</dd>
        </dl>
        {(!row.anonymised).then(|| view! {
            <div class=css::actions>
                <button type="button" class="button" data-testid="links-pair" aria-pressed=pressed(Open::FindContact)
                    on:click=toggle(Open::FindContact)>{words.pair_contact.clone()}</button>
                <button type="button" class="button" data-testid="links-new-contact" aria-pressed=pressed(Open::NewContact)
                    on:click=toggle(Open::NewContact)>{words.create_contact.clone()}</button>
                <button type="button" class="button" data-testid="links-merge-case" aria-pressed=pressed(Open::FindCase)
                    on:click=toggle(Open::FindCase)>{words.merge_case.clone()}</button>
            </div>
        })}
        {panel}
        <p class=css::note role="status" data-testid="links-said">{move || said.get()}</p>
    }
}

/// What a [`Finder`] searches for, and what choosing one does: pair the contact, or merge into the case.
#[derive(Clone, Copy)]
enum Find {
    Contacts,
    Cases,
}

/// A search field and its results, each a button that links the interaction `id` to it; `done`
/// hears what to say.
#[component]
fn Finder(id: i64, words: Arc<ListingWords>, find: Find, done: Callback<String>) -> impl IntoView {
    let i18n = use_i18n();
    let (label, said) = match find {
        Find::Contacts => (words.find_contact.clone(), words.paired.clone()),
        Find::Cases => (words.find_case.clone(), words.merged.clone()),
    };
    let said = StoredValue::new(said);
    let query = RwSignal::new(String::new());
    let found = RwSignal::new(None::<Vec<Named>>);
    let problem = RwSignal::new(None::<String>);
    let input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = input.get() {
            let _ = input.focus();
        }
    });
    let search = move || {
        let text = query.get_untracked();
        problem.set(None);
        spawn_local(async move {
            let answer = match find {
                Find::Contacts => api::find_contacts(&text).await,
                Find::Cases => api::find_cases(&text).await,
            };
            match answer {
                Ok(list) => found.set(Some(list)),
                Err(e) => problem.set(Some(api_text(i18n, &e, t_string!(i18n, pane.error).to_string()))),
            }
        });
    };
    let pick = move |(chosen, name): (i64, String)| {
        let message = said.with_value(|said| fill(said, &[("name", &name)]));
        spawn_local(async move {
            let linked = match find {
                Find::Contacts => api::pair(id, Some(chosen)).await,
                Find::Cases => api::merge_into_case(id, Some(chosen)).await,
            };
            match linked {
                Ok(_) => done.run(message),
                Err(e) => problem.set(Some(api_text(i18n, &e, t_string!(i18n, pane.error).to_string()))),
            }
        });
    };
    let (nothing_found, search_words) = (words.nothing_found.clone(), words.search.clone());
    let results = move || {
        found.get().map(|list| {
            if list.is_empty() {
                return view! { <p class=css::note data-testid="links-none">{nothing_found.clone()}</p> }
                    .into_any();
            }
            let items = list
                .into_iter()
                .map(|n| {
                    let choice = (n.id, n.name.clone());
                    view! {
                        <li><button type="button" class="button" data-testid="links-result"
                            on:click=move |_| pick(choice.clone())>{n.name}</button></li>
                    }
                })
                .collect_view();
            view! { <ul class=css::results>{items}</ul> }.into_any()
        })
    };
    view! {
        <form class=css::finder role="search" on:submit=move |ev| { ev.prevent_default(); search(); }>
            <label class=css::field>
                <span>{label}</span>
                <input type="search" node_ref=input data-testid="links-query" autocomplete="off"
                    prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev)) />
            </label>
            <button type="submit" class="button" data-testid="links-find">{search_words}</button>
        </form>
        {results}
        {move || problem.get().map(|p| view! { <p class=css::problem role="alert" data-testid="links-problem">{p}</p> })}
    }
}

/// A new contact's names (and email or phone), created and paired at once.
#[component]
fn NewContactForm(id: i64, words: Arc<ListingWords>, done: Callback<String>) -> impl IntoView {
    let i18n = use_i18n();
    let (first, last, email, phone) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let errors = FormErrors::default();
    let paired = words.paired.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let optional =
            |s: RwSignal<String>| Some(s.get_untracked().trim().to_owned()).filter(|s| !s.is_empty());
        let new = NewContact {
            fields: ContactFields {
                version: None,
                first_name: first.get_untracked().trim().to_owned(),
                last_name: last.get_untracked().trim().to_owned(),
                language: crate::format::tag(i18n.get_locale_untracked()).to_owned(),
                account_id: None,
            },
            phone: optional(phone),
            email: optional(email),
            link_conversation: None,
        };
        if let Err(e) = validate_new_contact(&new) {
            errors.field(&e);
            return;
        }
        errors.clear();
        let failed = t_string!(i18n, pane.error).to_string();
        let message =
            fill(&paired, &[("name", &format!("{} {}", new.fields.first_name, new.fields.last_name))]);
        spawn_local(async move {
            let created = match api::create_contact(&new).await {
                Ok(contact) => api::pair(id, Some(contact)).await,
                Err(e) => Err(e),
            };
            match created {
                Ok(_) => done.run(message),
                Err(e) => errors.answer(i18n, &e, failed),
            }
        });
    };
    let field = |label: &String, value, field| {
        let label = label.clone();
        view! { <TextField label=ViewFn::from(move || label.clone()) value errors field /> }
    };
    view! {
        <form class=css::finder data-testid="links-new-contact-form" novalidate on:submit=submit>
            {field(&words.first_name, first, "first_name")}
            {field(&words.last_name, last, "last_name")}
            {field(&words.email, email, "email")}
            {field(&words.phone, phone, "phone")}
            <button type="submit" class="button primary" data-testid="links-create">{words.create_and_pair.clone()}</button>
            <FieldMessage errors field="" />
        </form>
    }
}
