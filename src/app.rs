//! The router and the app-wide contexts.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

use crate::i18n::I18nContextProvider;
use crate::pages::desk::{ConversationRoute, DeskPage, NoSelection};
use crate::pages::directory::DirectoryPage;
use crate::pages::login::LoginPage;
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
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=|| view! { <Redirect path="/desk" /> } />
                    <Route path=path!("/login") view=LoginPage />
                    <ParentRoute path=path!("/desk") view=DeskPage>
                        <Route path=path!("") view=NoSelection />
                        <Route path=path!("directory") view=DirectoryPage />
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
