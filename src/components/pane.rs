//! A section of the desk that loads on its own: its own heading, loading state and error with retry.
//! One failing pane never blanks another.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::{t, use_i18n};

stylance::import_crate_style!(css, "src/components/pane.module.css");

/// `data-state` is `loading`, `ready` or `error`; tests and the benchmark wait on it.
#[component]
pub fn Pane<T, R, V>(
    #[prop(into)] title: ViewFn,
    testid: &'static str,
    resource: LocalResource<Result<T, ApiError>>,
    render: R,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    R: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let i18n = use_i18n();
    let state = move || match resource.get() {
        None => "loading",
        Some(Ok(_)) => "ready",
        Some(Err(_)) => "error",
    };
    let body = move || match resource.get() {
        None => view! { <p class=css::note role="status">{t!(i18n, pane.loading)}</p> }.into_any(),
        Some(Ok(data)) => render.clone()(data).into_any(),
        Some(Err(ApiError::NotFound)) => view! { <p class=css::error role="alert">{t!(i18n, pane.not_found)}</p> }.into_any(),
        Some(Err(_)) => view! {
            <div class=css::error role="alert">
                <p>{t!(i18n, pane.error)}</p>
                <button class="button" on:click=move |_| resource.refetch()>{t!(i18n, pane.retry)}</button>
            </div>
        }
        .into_any(),
    };
    view! {
        <section class=css::pane data-testid=testid data-state=state aria-busy=move || (state() == "loading").to_string()>
            <h2 class=css::title>{title.run()}</h2>
            {body}
        </section>
    }
}
