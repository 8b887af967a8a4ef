//! Users and queues, for administrators (`?access`, from the toolbar): each user active or
//! deactivated and what they may list besides their own (DAK: per user, a Users and a Queues tab);
//! each queue active or deactivated and the group the Queue filter lists it under.

use std::sync::Arc;

use hovor_types::listing::{ListingChoices, ListingRights, Named, QueueGroup};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use super::filters::choice_box;
use super::strings::ListingWords;
use super::{Listing, css};
use crate::api::listings as api;
use crate::components::form::{FieldMessage, FormErrors, rule_words};
use crate::components::strings::fill;
use crate::components::typed::Typed;
use crate::i18n::{t_string, use_i18n};
use crate::state::session::{SessionState, use_session};

const LIST: &str = "/desk/listings";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Users,
    Queues,
}

/// Two tabs as a tab list: a click or the arrow keys switch them.
fn tabs(words: &ListingWords, tab: RwSignal<Tab>, testid: &'static str) -> impl IntoView + use<> {
    let one = move |which: Tab, label: String| {
        view! {
            <button type="button" role="tab" class="button" data-testid=format!("{testid}-{}", if which == Tab::Users { "users" } else { "queues" })
                aria-selected=move || (tab.get() == which).to_string() tabindex=move || if tab.get() == which { "0" } else { "-1" }
                on:click=move |_| tab.set(which)>{label}</button>
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if matches!(ev.key().as_str(), "ArrowLeft" | "ArrowRight") {
            ev.prevent_default();
            let next = if tab.get_untracked() == Tab::Users { Tab::Queues } else { Tab::Users };
            tab.set(next);
            let selector =
                if next == Tab::Users { "[role=tab]:first-child" } else { "[role=tab]:last-child" };
            use wasm_bindgen::JsCast;
            let list = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
            if let Some(button) = list.and_then(|l| l.query_selector(selector).ok().flatten()) {
                let _ = button.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        }
    };
    view! {
        <div role="tablist" class=css::tabs on:keydown=on_key>
            {one(Tab::Users, words.users.clone())}
            {one(Tab::Queues, words.queues.clone())}
        </div>
    }
}

#[component]
pub fn Access(listing: Listing, words: Arc<ListingWords>) -> impl IntoView {
    let navigate = use_navigate();
    let tab = RwSignal::new(Tab::Users);
    // The user whose rights are open, if any.
    let editing = RwSignal::new(None::<Named>);
    let said = RwSignal::new(None::<String>);
    let errors = FormErrors::default();
    let close = move || navigate(LIST, Default::default());
    let on_key = {
        let close = close.clone();
        move |ev: leptos::ev::KeyboardEvent| {
            if ev.key() == "Escape" {
                ev.prevent_default();
                if editing.get_untracked().is_some() { editing.set(None) } else { close() }
            }
        }
    };
    let heading = NodeRef::<leptos::html::H2>::new();
    Effect::new(move |_| {
        if let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });
    let body = {
        let words = words.clone();
        move || match editing.get() {
            Some(user) => {
                view! { <Rights listing user words=words.clone() errors said editing /> }.into_any()
            }
            None => {
                let words = words.clone();
                view! {
                    <p class=css::note>{words.access_note.clone()}</p>
                    {tabs(&words, tab, "access")}
                    {move || match tab.get() {
                        Tab::Users => users_table(listing, &words, errors, said, editing).into_any(),
                        Tab::Queues => queues_table(listing, &words, errors, said).into_any(),
                    }}
                }
                .into_any()
            }
        }
    };
    let close_outside = close.clone();
    view! {
        <div class=css::backdrop on:click=move |_| close_outside()></div>
        <section class=css::detail role="dialog" aria-modal="true" aria-labelledby="access-title"
            data-testid="access-panel" on:keydown=on_key>
            <header class=css::detail_head>
                <h2 id="access-title" tabindex="-1" node_ref=heading>{words.access.clone()}</h2>
                <button type="button" class="button" data-testid="access-close" on:click=move |_| close()>{words.close.clone()}</button>
            </header>
            {body}
            <FieldMessage errors field="" />
            <p class=css::note role="status" data-testid="access-said">{move || said.get()}</p>
        </section>
    }
}

/// What Deactivate / Activate says on its button, and once done.
fn toggle_words(words: &ListingWords, active: bool, name: &str) -> (String, String) {
    if active {
        (words.deactivate.clone(), fill(&words.now_inactive, &[("name", name)]))
    } else {
        (words.activate.clone(), fill(&words.now_active, &[("name", name)]))
    }
}

/// A tab's table: its column heads and its rows.
fn tab_table(testid: &'static str, heads: Vec<String>, rows: impl IntoView + 'static) -> impl IntoView {
    let heads = heads.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view();
    view! {
        <div class=css::scroll role="tabpanel">
            <table class=css::table data-testid=testid>
                <thead><tr>{heads}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

fn choices_of(listing: Listing) -> ListingChoices {
    listing.choices.get().and_then(Result::ok).unwrap_or_default()
}

/// Sets a user or queue active or deactivated, says so and reads the choices again.
fn set_active(
    (listing, errors, said): (Listing, FormErrors, RwSignal<Option<String>>),
    i18n: leptos_i18n::I18nContext<crate::i18n::Locale>,
    done: String,
    call: impl Future<Output = Result<(), crate::api::ApiError>> + 'static,
) {
    let failed = t_string!(i18n, form.failed).to_string();
    errors.clear();
    spawn_local(async move {
        match call.await {
            Ok(()) => {
                let _ = said.try_set(Some(done));
                listing.choices.refetch();
            }
            Err(e) => errors.answer(i18n, &e, failed),
        }
    });
}

fn users_table(
    listing: Listing,
    words: &Arc<ListingWords>,
    errors: FormErrors,
    said: RwSignal<Option<String>>,
    editing: RwSignal<Option<Named>>,
) -> impl IntoView + use<> {
    let i18n = use_i18n();
    let me = match use_session().0.get_untracked() {
        SessionState::SignedIn(me) => me.id,
        _ => 0,
    };
    let head = words.clone();
    let words = words.clone();
    let rows = move || {
        let choices = choices_of(listing);
        choices
            .users
            .into_iter()
            .map(|user| {
                let active = !choices.inactive_users.contains(&user.id);
                let (id, name) = (user.id, user.name.clone());
                let toggle = (id != me).then(|| {
                    let (label, done) = toggle_words(&words, active, &name);
                    view! {
                        <button type="button" class="button" data-testid="access-user-toggle"
                            on:click=move |_| set_active((listing, errors, said), i18n, done.clone(), api::set_user_active(id, !active))>{label}</button>
                    }
                });
                let you = (id == me).then(|| format!(" {}", words.you));
                view! {
                    <tr data-testid="access-user" data-active=active.to_string()>
                        <td>{user.name.clone()}{you}</td>
                        <td>{if active { words.state_active.clone() } else { words.state_inactive.clone() }}</td>
                        <td class=css::nowrap>
                            {toggle}" "
                            <button type="button" class="button" data-testid="access-rights"
                                on:click=move |_| editing.set(Some(user.clone()))>{words.rights.clone()}</button>
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    tab_table("access-users", vec![head.col_user.clone(), head.col_state.clone(), String::new()], rows)
}

fn queues_table(
    listing: Listing,
    words: &Arc<ListingWords>,
    errors: FormErrors,
    said: RwSignal<Option<String>>,
) -> impl IntoView + use<> {
    let i18n = use_i18n();
    // The queue whose group was saved last: its row shows the answer's error.
    let grouping = RwSignal::new(None::<i64>);
    // Group names typed and not yet saved, by queue: the rows are drawn again whenever the choices
    // are read again (after any row's save or toggle).
    let typed = Typed::<i64>::default();
    let head = words.clone();
    let words = words.clone();
    let rows = move || {
        let choices = choices_of(listing);
        choices
            .queues
            .into_iter()
            .map(|queue| {
                let active = !choices.inactive_queues.contains(&queue.id);
                let (id, name) = (queue.id, queue.name.clone());
                let group = choices.queue_groups.iter().find(|g| g.ids.contains(&id)).map(|g| g.name.clone());
                let group = group.unwrap_or_default();
                let value = move || typed.or(&id, &group);
                let value_now = value.clone();
                let (label, done) = toggle_words(&words, active, &name);
                let saved = fill(&words.group_saved, &[("name", &name)]);
                let save_group = move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    grouping.set(Some(id));
                    let name = untrack(&value_now);
                    let request = match (QueueGroup { group: Some(name.clone()) }).checked() {
                        Ok(request) => request,
                        Err(e) => return errors.show(&e.field, rule_words(i18n, e.rule)),
                    };
                    let saved = saved.clone();
                    let failed = t_string!(i18n, form.failed).to_string();
                    errors.clear();
                    spawn_local(async move {
                        match api::set_queue_group(id, &request).await {
                            Ok(()) => {
                                let _ = said.try_set(Some(saved));
                                typed.saved(&id, &name);
                                listing.choices.refetch();
                            }
                            Err(e) => errors.answer(i18n, &e, failed),
                        }
                    });
                };
                let group_error = errors.message("group");
                let error = move || {
                    (grouping.get() == Some(id)).then(|| group_error.get()).flatten().map(|m| {
                        view! { <p class=crate::components::form::css::error role="alert" data-field="group">{m}</p> }
                    })
                };
                view! {
                    <tr data-testid="access-queue" data-active=active.to_string()>
                        <td>{queue.name.clone()}</td>
                        <td>
                            <form class=css::group_form on:submit=save_group novalidate>
                                <input type="text" aria-label=words.group.clone() data-testid="access-group"
                                    maxlength=hovor_types::listing::GROUP_NAME_MAX
                                    prop:value=value on:input=move |ev| typed.set(id, event_target_value(&ev)) />
                                <button type="submit" class="button" data-testid="access-group-save">{words.save_group.clone()}</button>
                            </form>
                            {error}
                        </td>
                        <td>{if active { words.state_active.clone() } else { words.state_inactive.clone() }}</td>
                        <td>
                            <button type="button" class="button" data-testid="access-queue-toggle"
                                on:click=move |_| set_active((listing, errors, said), i18n, done.clone(), api::set_queue_active(id, !active))>{label}</button>
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    let heads = vec![head.col_queue.clone(), head.group.clone(), head.col_state.clone(), String::new()];
    tab_table("access-queues", heads, rows)
}

/// What one user may list besides their own: the users and the queues ticked, in two tabs.
#[component]
fn Rights(
    listing: Listing,
    user: Named,
    words: Arc<ListingWords>,
    errors: FormErrors,
    said: RwSignal<Option<String>>,
    editing: RwSignal<Option<Named>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let tab = RwSignal::new(Tab::Users);
    let users = RwSignal::new(Vec::<i64>::new());
    let queues = RwSignal::new(Vec::<i64>::new());
    let user_id = user.id;
    let loaded = LocalResource::new(move || api::rights(user_id));
    Effect::new(move |_| {
        if let Some(Ok(rights)) = loaded.get() {
            users.set(rights.user_ids);
            queues.set(rights.queue_ids);
        }
    });
    let save = {
        let saved = words.rights_saved.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let rights = ListingRights { user_ids: users.get_untracked(), queue_ids: queues.get_untracked() };
            let rights = match rights.checked() {
                Ok(rights) => rights,
                Err(e) => return errors.show("", rule_words(i18n, e.rule)),
            };
            let saved = saved.clone();
            let failed = t_string!(i18n, form.failed).to_string();
            errors.clear();
            spawn_local(async move {
                match api::set_rights(user_id, &rights).await {
                    Ok(()) => {
                        let _ = said.try_set(Some(saved));
                    }
                    Err(e) => errors.answer(i18n, &e, failed),
                }
            });
        }
    };
    let inactive_word = words.inactive.clone();
    let boxes = move || {
        let choices = choices_of(listing);
        let (options, inactive, chosen) = match tab.get() {
            Tab::Users => (choices.users, choices.inactive_users, users),
            Tab::Queues => (choices.queues, choices.inactive_queues, queues),
        };
        options
            .into_iter()
            .filter(|o| o.id != user_id || tab.get() == Tab::Queues)
            .map(|o| {
                let marker = inactive.contains(&o.id).then(|| inactive_word.clone());
                choice_box(o, marker, chosen, "rights-choice")
            })
            .collect_view()
    };
    view! {
        <h3>{fill(&words.rights_title, &[("name", &user.name)])}</h3>
        <p class=css::note>{fill(&words.rights_note, &[("name", &user.name)])}</p>
        {tabs(&words, tab, "rights")}
        <form on:submit=save novalidate data-testid="rights-form">
            <div class=css::rights role="tabpanel">{boxes}</div>
            <div class=css::actions>
                <button type="button" class="button" data-testid="rights-back" on:click=move |_| editing.set(None)>{words.back.clone()}</button>
                <button type="submit" class="button" data-testid="rights-save">{words.save_rights.clone()}</button>
            </div>
        </form>
    }
}
