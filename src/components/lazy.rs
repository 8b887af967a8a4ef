//! Code split into chunks: the customer panes and suggestions (`panes`), the composer (`compose`), the
//! offers' popovers (`offers`), the record forms and the Directory (`records`), wrap-up and transfer
//! (`handling`), the command palette and shortcut sheet (`keys`), a call's control pane and headset
//! (`call`), the host API of the desk in a CRM's frame (`embed`), and the sign-in page are fetched
//! after the desk has started (and prefetched), so the desk's first download stays small. `split_view!` declares such a function and `lazy_view`
//! shows what it returns. The app's build (`scripts/build-app.sh`, with `--cfg hovor_split`) puts every
//! function of one chunk name into one file; other builds (the browser tests) keep them in the main
//! module.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;

use crate::i18n::{t, use_i18n};

pub use leptos::wasm_split::SplitLoaderError;
#[doc(hidden)]
pub use leptos::wasm_split::wasm_split as split;

use crate::components::pane::css;

/// What a split function returns: its view, or why its chunk could not be fetched.
pub type Chunk = Result<AnyView, SplitLoaderError>;

/// Shows the view of a split function once its chunk has arrived. A failed download (the network, or a
/// newer build on the server) says so and offers Try again instead of blanking the desk.
///
/// Not a `<Suspense>`: that would also wait for every resource the loaded view reads, and fall back to
/// "Loading…" (dropping the agent's unsaved input) each time one of them reloads.
pub fn lazy_view<F, Fut>(load: F) -> AnyView
where
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = Chunk> + 'static,
{
    // Boxed at once: every call site shares one copy of what follows, which keeps the desk's download small.
    lazy_boxed(Box::new(move || Box::pin(load())), false)
}

/// As `lazy_view`, for a view with nothing to show until it has something to say (the host API's
/// link): no "Loading…" meanwhile, and a failed download only logged.
pub fn lazy_quiet<F, Fut>(load: F) -> AnyView
where
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = Chunk> + 'static,
{
    lazy_boxed(Box::new(move || Box::pin(load())), true)
}

type Loading = Pin<Box<dyn Future<Output = Chunk>>>;

fn lazy_boxed(load: Box<dyn Fn() -> Loading>, quiet: bool) -> AnyView {
    let i18n = use_i18n();
    let arrival = RwSignal::new(Arrival::Loading);
    let loaded = StoredValue::new_local(None::<AnyView>);
    let load = StoredValue::new_local(load);
    // The task and the view it builds belong to this call's owner, also when Try again starts it from a
    // click (whose owner is the error view, disposed as soon as "Loading…" replaces it).
    let owner = StoredValue::new_local(Owner::current());
    let fetch = move || {
        arrival.set(Arrival::Loading);
        let loading = load.with_value(|load| load());
        let task = move || {
            // Untracked: the view is built inside the task; its reads must not re-run whoever called this.
            untrack(|| {
                spawn_local_scoped_with_cancellation(async move {
                    let mut waited = false;
                    let mut loading = loading;
                    let chunk = std::future::poll_fn(|cx| {
                        let poll = loading.as_mut().poll(cx);
                        waited |= poll.is_pending();
                        poll
                    })
                    .await;
                    match chunk {
                        Ok(view) => {
                            // Every view waiting for a chunk resumes at once when it arrives: each is
                            // then drawn in a task of its own, so no one task blocks the page for long.
                            // A chunk already here is drawn at once (no frame of "Loading…").
                            if waited {
                                gloo_timers::future::TimeoutFuture::new(0).await;
                            }
                            loaded.set_value(Some(view));
                            arrival.set(Arrival::Ready);
                        }
                        Err(e) => {
                            leptos::logging::warn!("{e}");
                            arrival.set(Arrival::Failed);
                        }
                    }
                })
            })
        };
        match owner.get_value() {
            Some(owner) => owner.with(task),
            None => task(),
        }
    };
    fetch();
    (move || match arrival.get() {
        Arrival::Loading | Arrival::Failed if quiet => ().into_any(),
        // `data-chunk` lets the tests and the benchmark wait for the real content, not this.
        Arrival::Loading => view! {
            <p class=css::note role="status" data-chunk="loading">{t!(i18n, pane.loading)}</p>
        }
        .into_any(),
        Arrival::Ready => loaded.try_update_value(Option::take).flatten().unwrap_or_else(|| ().into_any()),
        Arrival::Failed => view! {
            <div class=css::error role="alert">
                <p>{t!(i18n, pane.error)}</p>
                <button class="button" on:click=move |_| fetch()>{t!(i18n, pane.retry)}</button>
            </div>
        }
        .into_any(),
    })
    .into_any()
}

#[derive(Clone, Copy, PartialEq)]
enum Arrival {
    Loading,
    Ready,
    Failed,
}

/// Declares a function whose view lives in the chunk `$chunk` and is fetched on first use:
/// `split_view!(records, pub fn history_tab(contact_id: i64) => view! { <HistoryTab contact_id /> });`
/// then `lazy_view(move || history_tab(contact_id))`. Split functions cannot be generic.
macro_rules! split_view {
    ($chunk:ident, $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) => $view:expr) => {
        #[cfg(hovor_split)]
        #[$crate::components::lazy::split($chunk, wasm_split_path = ::leptos::wasm_split, fallible)]
        $vis fn $name($($arg: $ty),*) -> $crate::components::lazy::Chunk {
            Ok(::leptos::prelude::IntoAny::into_any($view))
        }
        // Unsplit builds (tests, `cargo check`) have no chunk loader to import from.
        #[cfg(not(hovor_split))]
        $vis async fn $name($($arg: $ty),*) -> $crate::components::lazy::Chunk {
            Ok(::leptos::prelude::IntoAny::into_any($view))
        }
    };
}
pub(crate) use split_view;

split_view!(panes, pub fn prefetch_panes() => ());
split_view!(offers, pub fn prefetch_offers() => ());
split_view!(compose, pub fn prefetch_compose() => ());
split_view!(records, pub fn prefetch_records() => ());
split_view!(handling, pub fn prefetch_handling() => ());
split_view!(keys, pub fn prefetch_keys() => ());
split_view!(call, pub fn prefetch_call() => ());

/// Fetches the chunks in the background once the desk is up: what an open conversation shows (the
/// customer panes, the composer) at once, side by side; the offers' popovers when those are in; the
/// rest a little later, so that on a slow network nothing competes with the conversation's first
/// paint and still the first Edit, merge or wrap-up does not wait for the network. A chunk is
/// fetched once however often it is asked for. Failures are left for `lazy_view` to report where
/// it matters.
pub fn prefetch_chunks() {
    use leptos::task::spawn_local;
    spawn_local(async {
        let _ = prefetch_panes().await;
    });
    spawn_local(async {
        let _ = prefetch_compose().await;
        let _ = prefetch_panes().await;
        let _ = prefetch_offers().await;
        gloo_timers::future::TimeoutFuture::new(PREFETCH_AFTER_MS).await;
        // The call's code shares modules with the administrators' pages: together the largest
        // download, and the most work to instantiate, so not while the first conversation draws.
        let _ = prefetch_call().await;
        let _ = prefetch_records().await;
        let _ = prefetch_handling().await;
        let _ = prefetch_keys().await;
    });
}

/// Long enough for the desk's own requests (task list, events, an open conversation) to go first.
const PREFETCH_AFTER_MS: u32 = 1_500;
