//! `/desk` and `/desk/:id`: the task list beside the selected Active Conversation.

use hovor_types::auth::Role;
use hovor_types::conversation::Channel;
use leptos::prelude::*;

use crate::components::lazy::{lazy_quiet, lazy_view, prefetch_chunks};
use leptos::task::spawn_local;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::{use_location, use_params_map};

use crate::components::first_paint::reveal;
use crate::components::icon::{Glyph, Icon};
use crate::components::language_select::LanguageSelect;
use crate::features::agent_status::{AgentStatusSelect, MissedOfferPrompt};
use crate::features::call::call_watch;
use crate::features::call_settings::CallSettingsRoute;
use crate::features::callbacks::CallbacksRoute;
use crate::features::collaboration::invitations_page;
use crate::features::connection_status::ConnectionStatus;
use crate::features::conversation::ActiveConversation;
use crate::features::keyboard::KeyboardDialogs;
use crate::features::library::LibraryRoute;
use crate::features::listings::ListingsRoute;
use crate::features::popovers::Popovers;
use crate::features::supervisor::SupervisorRoute;
use crate::features::task_list::TaskList;
use crate::i18n::{t, t_string, use_i18n};
use crate::pages::directory::directory_page;
use crate::state::alerts::provide_alerts;
use crate::state::configured::provide_configured;
use crate::state::drafts::provide_drafts;
use crate::state::live::{provide_live, use_live};
use crate::state::routing::provide_routing;
use crate::state::session::{SessionState, use_session};
use crate::state::shortcuts::provide_shortcuts;

stylance::import_crate_style!(css, "src/pages/desk.module.css");

#[component]
pub fn DeskPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    provide_drafts();
    move || match session.0.get() {
        SessionState::Checking => {
            view! { <p class=css::centered role="status">{t!(i18n, pane.loading)}</p> }.into_any()
        }
        SessionState::SignedOut => {
            reveal();
            // A link with parameters (a listing's `?activityDetail=`) is opened again after sign-in.
            let location = use_location();
            let search = location.search.get_untracked();
            let path = match search.is_empty() {
                true => "/login".to_owned(),
                false => {
                    let next = format!("{}?{search}", location.pathname.get_untracked());
                    format!("/login?next={}", js_sys::encode_uri_component(&next))
                }
            };
            view! { <Redirect path /> }.into_any()
        }
        SessionState::Unreachable => {
            reveal();
            view! {
            <div class=css::centered role="alert">
                <p>{t!(i18n, pane.error)}</p>
                <button class="button" on:click=move |_| session.check()>{t!(i18n, pane.retry)}</button>
            </div>
            }
            .into_any()
        }
        SessionState::SignedIn(me) => {
            let admin = me.role == Role::Admin;
            let supervisor = me.role != Role::Agent;
            view! { <Desk name=me.display_name admin supervisor /> }.into_any()
        }
    }
}

#[component]
fn Desk(name: String, admin: bool, supervisor: bool) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let routing = provide_routing();
    let alerts = provide_alerts();
    provide_configured();
    let live = provide_live(routing);
    provide_shortcuts();
    let sheet_button = RwSignal::new(0u32);
    prefetch_chunks();
    let offers_showing = move || routing.offers.with(|o| !o.is_empty());
    // The server refuses both as well (409), for any other client.
    let on_a_call = move || {
        live.tasks.with(|t| {
            matches!(t, Some(Ok(tasks)) if tasks.iter().any(|t| t.channel == Channel::Voice && !t.needs_wrap_up && !t.collaborating))
        })
    };
    let sign_out_blocked = move || {
        if offers_showing() {
            Some(t_string!(i18n, nav.sign_out_blocked).to_string())
        } else if on_a_call() {
            Some(t_string!(i18n, conflict.on_a_call).to_string())
        } else {
            None
        }
    };
    let location = use_location();
    let in_directory = move || location.pathname.with(|p| p.starts_with("/desk/directory"));
    let in_invitations = move || location.pathname.with(|p| p.starts_with("/desk/invitations"));
    let in_library = move || location.pathname.with(|p| p.starts_with("/desk/library"));
    let in_call_settings = move || location.pathname.with(|p| p.starts_with("/desk/calls"));
    let in_supervisor = move || location.pathname.with(|p| p.starts_with("/desk/supervisor"));
    let in_listings = move || location.pathname.with(|p| p.starts_with("/desk/listings"));
    // The first paint showed the page the desk opened on; anywhere else (a redirect, a click) is the app's.
    Effect::new(move |opened_on: Option<String>| {
        let now = location.pathname.get();
        match opened_on {
            Some(opened_on) if opened_on != now => {
                reveal();
                opened_on
            }
            Some(opened_on) => opened_on,
            None => now,
        }
    });
    // On narrow screens the task list is a drawer; choosing a conversation closes it.
    let tasks_open = RwSignal::new(false);
    let sign_out = move |_| {
        spawn_local(async move {
            // Refused while a request rings: the session stays, and so does the desk.
            let _ = session.sign_out().await;
        });
    };
    view! {
        <div class=css::shell>
            <header class=css::bar>
                <button
                    class=format!("button {}", css::drawer_toggle)
                    aria-expanded=move || tasks_open.get().to_string()
                    aria-controls="task-list"
                    on:click=move |_| tasks_open.update(|o| *o = !*o)
                >
                    {t!(i18n, desk.tasks_toggle)}
                </button>
                <span class=css::brand>{t!(i18n, app_name)}</span>
                <nav class=css::nav>
                    <ConnectionStatus />
                    <AgentStatusSelect />
                    <span class=css::user>{t!(i18n, nav.signed_in_as, name = name.clone())}</span>
                    <label class=css::toggle>
                        <input type="checkbox" data-testid="alert-sound" prop:checked=move || alerts.sound.get()
                            on:change=move |ev| alerts.sound.set(event_target_checked(&ev)) />
                        {t!(i18n, nav.sound)}
                    </label>
                    <label class=css::toggle>
                        <input type="checkbox" data-testid="alert-notify" prop:checked=move || alerts.notify.get()
                            on:change=move |ev| alerts.set_notify(event_target_checked(&ev)) />
                        {t!(i18n, nav.notifications)}
                    </label>
                    <LanguageSelect />
                    <button class="button" data-testid="shortcuts-button" aria-label=move || t_string!(i18n, keys.button).to_string()
                        title=move || t_string!(i18n, keys.button).to_string() on:click=move |_| sheet_button.update(|n| *n += 1)>
                        <Icon glyph=Glyph::Keyboard />
                    </button>
                    <button
                        class="button"
                        data-testid="sign-out"
                        disabled=move || sign_out_blocked().is_some()
                        title=sign_out_blocked
                        on:click=sign_out
                    >
                        <Icon glyph=Glyph::SignOut />
                        {t!(i18n, nav.sign_out)}
                    </button>
                </nav>
            </header>
            <div class=css::desk>
                <aside
                    id="task-list"
                    class=css::tasks
                    data-open=move || tasks_open.get().to_string()
                    on:click=move |_| tasks_open.set(false)
                >
                    <nav class=css::sections aria-label=move || t_string!(i18n, nav.sections).to_string()>
                        <a href="/desk" data-testid="nav-conversations" aria-current=move || (!in_directory() && !in_invitations() && !in_library() && !in_call_settings() && !in_supervisor() && !in_listings()).then_some("page")>
                            {t!(i18n, nav.conversations)}
                        </a>
                        <a href="/desk/directory" data-testid="nav-directory" aria-current=move || in_directory().then_some("page")>
                            {t!(i18n, nav.directory)}
                        </a>
                        <a href="/desk/invitations" data-testid="nav-invitations" aria-current=move || in_invitations().then_some("page")>
                            {t!(i18n, nav.invitations)}
                        </a>
                        <a href="/desk/listings" data-testid="nav-listings" aria-current=move || in_listings().then_some("page")>
                            {t!(i18n, nav.listings)}
                        </a>
                        // Supervisors' and administrators' live view: the server refuses it to agents too.
                        {supervisor.then(|| view! {
                            <a href="/desk/supervisor" data-testid="nav-supervisor" aria-current=move || in_supervisor().then_some("page")>
                                {t!(i18n, nav.supervisor)}
                            </a>
                        })}
                        // The library's administration: the server refuses it to anyone else too.
                        {admin.then(|| view! {
                            <a href="/desk/library" data-testid="nav-library" aria-current=move || in_library().then_some("page")>
                                {t!(i18n, nav.library)}
                            </a>
                            <a href="/desk/calls" data-testid="nav-call-settings" aria-current=move || in_call_settings().then_some("page")>
                                {t!(i18n, nav.call_settings)}
                            </a>
                        })}
                    </nav>
                    <TaskList />
                </aside>
                <Outlet />
            </div>
            <Popovers />
            // The call chunk's eye on calls, from the first call event on: a desk without calls never
            // waits for (or reports) that chunk.
            <Show when=move || live.call_changes.with(|c| !c.is_empty())>
                {lazy_view(call_watch)}
            </Show>
            <MissedOfferPrompt />
            <KeyboardDialogs sheet_button />
            // In a CRM's frame: what the desk tells the host.
            {crate::state::embed::host().is_some().then(|| lazy_quiet(crate::features::host_api::host_desk_events))}
        </div>
    }
}

/// `/desk` with nothing chosen.
#[component]
pub fn NoSelection() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class=css::empty>{t!(i18n, desk.choose)}</p> }
}

/// `/desk/<page>`: one of the desk's pages by its name, else a fresh Active Conversation for each id,
/// so no state leaks between conversations. One route for all of them: the router's code is generic
/// over every route it has, and it is in the desk's start.
#[component]
pub fn DeskSection() -> impl IntoView {
    let params = use_params_map();
    let live = use_live();
    let section = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    move || match section.get().as_str() {
        "directory" => lazy_view(directory_page),
        "invitations" => lazy_view(invitations_page),
        "library" => view! { <LibraryRoute /> }.into_any(),
        "calls" => view! { <CallSettingsRoute /> }.into_any(),
        "callbacks" => view! { <CallbacksRoute /> }.into_any(),
        "supervisor" => view! { <SupervisorRoute /> }.into_any(),
        "listings" => view! { <ListingsRoute /> }.into_any(),
        // A resync (events lost) remounts the conversation, so every pane reloads.
        id => match (id.parse::<i64>().ok(), live.generation.get()) {
            (Some(id), _) => view! { <ActiveConversation id /> }.into_any(),
            (None, _) => view! { <Redirect path="/desk" /> }.into_any(),
        },
    }
}
