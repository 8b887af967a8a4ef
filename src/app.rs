//! The router and the app-wide contexts.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

use crate::components::lazy::{lazy_quiet, lazy_view};
use crate::i18n::I18nContextProvider;
use crate::pages::desk::{DeskPage, DeskSection, NoSelection};
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
                        // Every page of the desk and every conversation: `DeskSection` tells them apart.
                        <Route path=path!(":id") view=DeskSection />
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
