//! The router and the app-wide contexts.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

use crate::components::lazy::{lazy_quiet, lazy_view};
use crate::features::call_settings::CallSettingsRoute;
use crate::features::callbacks::CallbacksRoute;
use crate::features::collaboration::invitations_page;
use crate::features::library::LibraryRoute;
use crate::features::supervisor::SupervisorRoute;
use crate::i18n::I18nContextProvider;
use crate::pages::desk::{ConversationRoute, DeskPage, NoSelection};
use crate::pages::directory::directory_page;
use crate::pages::login::login_page;
use crate::pages::not_found::NotFoundPage;
use crate::state::clock::provide_clock;
use crate::state::language::remember_language;
use crate::state::session::provide_session;

#[component]
pub fn App() -> impl IntoView {
    provide_session();
    provide_clock();
    view! {
        <I18nContextProvider>
            <RememberLanguage />
            <Router>
                // In a CRM's frame: the link to the host page, signed in or not.
                {crate::state::embed::host().is_some().then(|| lazy_quiet(crate::features::host_api::host_link))}
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=|| view! { <Redirect path="/desk" /> } />
                    <Route path=path!("/login") view=|| lazy_view(login_page) />
                    // The desk in a CRM's frame (the server served this page for a listed host).
                    <Route path=path!("/embed") view=|| view! { <Redirect path="/desk" /> } />
                    <ParentRoute path=path!("/desk") view=DeskPage>
                        <Route path=path!("") view=NoSelection />
                        <Route path=path!("directory") view=|| lazy_view(directory_page) />
                        <Route path=path!("invitations") view=|| lazy_view(invitations_page) />
                        <Route path=path!("library") view=LibraryRoute />
                        <Route path=path!("calls") view=CallSettingsRoute />
                        <Route path=path!("callbacks") view=CallbacksRoute />
                        <Route path=path!("supervisor") view=SupervisorRoute />
                        <Route path=path!(":id") view=ConversationRoute />
                    </ParentRoute>
                </Routes>
            </Router>
        </I18nContextProvider>
    }
}

#[component]
fn RememberLanguage() -> impl IntoView {
    remember_language();
}
