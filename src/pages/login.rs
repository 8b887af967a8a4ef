//! Sign-in with user name and password; errors show next to the form, typed values stay.

use leptos::prelude::*;

use crate::components::lazy::split_view;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::{ApiError, session as api};
use crate::components::language_select::LanguageSelect;
use crate::i18n::{t, use_i18n};
use crate::state::session::{SessionState, use_session};

stylance::import_crate_style!(css, "src/pages/login.module.css");

mod embedded;

#[derive(Clone, Copy, PartialEq)]
enum Problem {
    Required,
    Invalid,
    /// Too many attempts: the wait in seconds.
    TooMany(u64),
    Failed,
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);

    // A deep link opened signed out (`/login?next=/desk/listings?activityDetail=…`) opens after sign-in.
    let next = use_query_map().get_untracked().get("next").filter(|n| hovor_types::auth::is_desk_path(n));
    let nav = navigate.clone();
    Effect::new(move |_| {
        if matches!(session.0.get(), SessionState::SignedIn(_)) {
            nav(next.as_deref().unwrap_or("/desk"), Default::default());
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (user, pass) = (username.get_untracked(), password.get_untracked());
        if user.trim().is_empty() || pass.is_empty() {
            problem.set(Some(Problem::Required));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = api::sign_in(user, pass).await;
            busy.set(false);
            match result {
                Ok(me) => {
                    problem.set(None);
                    session.0.set(SessionState::SignedIn(me));
                }
                Err(ApiError::InvalidCredentials) => problem.set(Some(Problem::Invalid)),
                Err(ApiError::RateLimited { retry_after_s }) => {
                    problem.set(Some(Problem::TooMany(retry_after_s)))
                }
                Err(_) => problem.set(Some(Problem::Failed)),
            }
        });
    };

    let message = move || {
        problem.get().map(|p| match p {
            Problem::Required => t!(i18n, sign_in.required).into_any(),
            Problem::Invalid => t!(i18n, sign_in.invalid).into_any(),
            Problem::TooMany(seconds) => t!(i18n, sign_in.too_many, seconds = seconds).into_any(),
            Problem::Failed => t!(i18n, sign_in.failed).into_any(),
        })
    };

    // The agent starts typing their name at once.
    let name_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = name_input.get() {
            let _ = input.focus();
        }
    });
    view! {
        <main class=css::page>
            <form class=css::card on:submit=submit novalidate aria-describedby="sign-in-error">
                <div class=css::head>
                    <h1 class=css::title>{t!(i18n, sign_in.title)}</h1>
                    <LanguageSelect />
                </div>
                <label class=css::field>
                    <span>{t!(i18n, sign_in.username)}</span>
                    <input
                        name="username"
                        node_ref=name_input
                        autocomplete="username"
                        required
                        aria-invalid=move || problem.get().is_some().to_string()
                        prop:value=username
                        on:input=move |ev| username.set(event_target_value(&ev))
                    />
                </label>
                <label class=css::field>
                    <span>{t!(i18n, sign_in.password)}</span>
                    <input
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        aria-invalid=move || problem.get().is_some().to_string()
                        prop:value=password
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                </label>
                <p id="sign-in-error" class=css::error role="alert">{message}</p>
                <button class="button primary" type="submit" disabled=busy>
                    {move || if busy.get() { t!(i18n, sign_in.busy).into_any() } else { t!(i18n, sign_in.submit).into_any() }}
                </button>
            </form>
        </main>
    }
}

// Signed-in agents never need the sign-in form, so it is not part of the desk's first download. The
// desk in a CRM's frame signs in through a popup instead.
split_view!(login, pub fn login_page() => view! {
    {if crate::state::embed::host().is_some() {
        view! { <embedded::EmbeddedSignIn /> }.into_any()
    } else {
        view! { <LoginPage /> }.into_any()
    }}
});
