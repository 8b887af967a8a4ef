//! A section of the desk that loads on its own: its own heading, loading state and error with retry.
//! One failing pane never blanks another.

use leptos::prelude::*;

use serde::de::DeserializeOwned;

use crate::api::ApiError;
use crate::api::client::Encoded;
use crate::components::first_paint::reveal;
use crate::i18n::{t, use_i18n};

stylance::import_crate_style!(pub css, "src/components/pane.module.css");

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PaneState {
    Loading,
    Ready,
    NotFound,
    Failed,
}

impl PaneState {
    pub fn of<T>(result: Option<&Result<T, ApiError>>) -> PaneState {
        match result {
            None => PaneState::Loading,
            Some(Ok(_)) => PaneState::Ready,
            Some(Err(ApiError::NotFound)) => PaneState::NotFound,
            Some(Err(_)) => PaneState::Failed,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            PaneState::Loading => "loading",
            PaneState::Ready => "ready",
            PaneState::NotFound | PaneState::Failed => "error",
        }
    }
}

/// Renders a pane for `resource`; `render` draws the data once it has arrived.
/// `data-state` is `loading`, `ready` or `error`; tests and the benchmark wait on it.
pub fn resource_pane<T, V>(
    title: ViewFn,
    testid: &'static str,
    resource: LocalResource<Result<T, ApiError>>,
    render: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let state = Signal::derive(move || resource.with(|r| PaneState::of(r.as_ref())));
    let retry = Callback::new(move |()| resource.refetch());
    let content = ViewFn::from(move || resource.get().and_then(Result::ok).map(&render));
    view! { <Pane title testid state retry content /> }
}

/// Draws an answer decoded where this is called (in a chunk, see `Encoded`); one the app cannot read
/// says so in the pane.
pub fn decoded<T: DeserializeOwned, V: IntoView + 'static>(
    encoded: &Encoded<T>,
    draw: impl FnOnce(T) -> V,
) -> AnyView {
    match encoded.decode() {
        Ok(value) => draw(value).into_any(),
        Err(e) => {
            leptos::logging::warn!("{e:?}");
            reveal();
            let i18n = use_i18n();
            view! { <p class=css::error role="alert">{t!(i18n, pane.error)}</p> }.into_any()
        }
    }
}

/// A pane whose content loads its own data when needed: ready at once.
pub fn ready_pane(title: ViewFn, testid: &'static str, content: ViewFn) -> impl IntoView {
    let state = Signal::derive(|| PaneState::Ready);
    view! { <Pane title testid state retry=Callback::new(|()| ()) content /> }
}

/// The frame every pane shares; not generic, so the app carries one copy of it.
#[component]
fn Pane(
    title: ViewFn,
    testid: &'static str,
    state: Signal<PaneState>,
    retry: Callback<()>,
    content: ViewFn,
) -> impl IntoView {
    let i18n = use_i18n();
    let body = move || match state.get() {
        PaneState::Loading => {
            view! { <p class=css::note role="status">{t!(i18n, pane.loading)}</p> }.into_any()
        }
        PaneState::Ready => content.run(),
        PaneState::NotFound => {
            reveal();
            view! { <p class=css::error role="alert">{t!(i18n, pane.not_found)}</p> }.into_any()
        }
        PaneState::Failed => {
            reveal();
            view! {
            <div class=css::error role="alert">
                <p>{t!(i18n, pane.error)}</p>
                <button class="button" on:click=move |_| retry.run(())>{t!(i18n, pane.retry)}</button>
            </div>
            }
            .into_any()
        }
    };
    view! {
        <section
            class=css::pane
            data-testid=testid
            data-state=move || state.get().as_str()
            aria-busy=move || (state.get() == PaneState::Loading).to_string()
        >
            <h2 class=css::title>{title.run()}</h2>
            {body}
        </section>
    }
}
