//! Listings → Interactions (`/desk/listings`, DAK): the emails, chats and calls the user may see,
//! filtered by time in their own zone, text, status and direction, sorted by a column header (again
//! reverses it) and paged; an interaction's detail from its eye (or a link's `?activityDetail=`); the
//! list as CSV or XLSX with progress and Cancel. The server decides what may be seen; the page checks
//! a query by the same rules before sending it. Code and words come with the `listings` chunk and
//! string pack, not in the desk's start.

mod access;
mod advanced;
mod anonymise;
mod case;
mod detail;
mod export;
mod filters;
mod links;
mod retention;
mod reviews;
mod strings;
mod table;

use std::sync::Arc;

use hovor_types::auth::Role;
use hovor_types::conversation::Channel;
use hovor_types::listing::{
    InteractionCount, InteractionPage, InteractionQuery, ListingChoices, SortColumn, TimePreset,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::ApiError;
use crate::api::listings as api;
use crate::components::lazy::{lazy_view, split_view};
use crate::components::strings::load;
use crate::format::zones::own_zone;
use crate::i18n::{t, use_i18n};
use crate::state::session::{SessionState, use_session};
use strings::ListingWords;

stylance::import_crate_style!(css, "src/features/listings.module.css");

#[component]
pub fn ListingsRoute() -> impl IntoView {
    view! {
        <main class=css::page data-testid="listings-page">
            {lazy_view(listings_page)}
        </main>
    }
}

split_view!(listings, fn listings_page() => view! { <Listings /> });

/// What the page's parts share: the query last applied (the list, its count and the export read
/// it), the filters as typed, and the answers. Made before the words arrive, so a language switch
/// keeps all of it.
#[derive(Clone, Copy)]
struct Listing {
    applied: RwSignal<InteractionQuery>,
    form: filters::Form,
    page: LocalResource<Result<InteractionPage, ApiError>>,
    count: LocalResource<Result<InteractionCount, ApiError>>,
    /// The users and queues the filters offer.
    choices: LocalResource<Result<ListingChoices, ApiError>>,
}

impl Listing {
    fn new() -> Listing {
        let applied = RwSignal::new(InteractionQuery {
            channel: Some(Channel::Email),
            time: Some(TimePreset::Today),
            zone: Some(own_zone()),
            ..InteractionQuery::default()
        });
        // The count stays while the agent sorts and pages: only a new filter counts again.
        let counted =
            Memo::new(move |_| InteractionQuery { sort: None, desc: None, page: None, ..applied.get() });
        Listing {
            applied,
            form: filters::Form::of(&applied.get_untracked()),
            page: LocalResource::new(move || {
                let query = applied.get();
                async move { api::page(&query).await }
            }),
            count: LocalResource::new(move || {
                let query = counted.get();
                async move { api::count(&query).await }
            }),
            choices: LocalResource::new(api::choices),
        }
    }

    /// Sorts by `column`; the same column again reverses the order. Time starts newest first, the
    /// others from A (or the fewest).
    fn sort_by(self, column: SortColumn) {
        self.applied.update(|q| {
            let current = q.sort.unwrap_or(SortColumn::Time);
            let desc = q.desc.unwrap_or(true);
            q.desc = Some(if current == column { !desc } else { column == SortColumn::Time });
            q.sort = Some(column);
            q.page = None;
        });
    }

    fn go_to_page(self, page: u32) {
        self.applied.update(|q| q.page = (page > 0).then_some(page));
    }
}

#[component]
fn Listings() -> impl IntoView {
    let i18n = use_i18n();
    let words = load::<ListingWords>("listings");
    let listing = Listing::new();
    move || {
        match words.get() {
        None => view! { <p class=css::note role="status">{t!(i18n, pane.loading)}</p> }.into_any(),
        Some(None) => view! {
            <p class=css::note role="alert">{t!(i18n, pane.error)}</p>
            <button type="button" class="button" on:click=move |_| words.refetch()>{t!(i18n, pane.retry)}</button>
        }
        .into_any(),
        Some(Some(words)) => view! { <Drawn listing words /> }.into_any(),
    }
    }
}

/// The page once its words are here (drawn again, unchanged but for them, on a language switch).
#[component]
fn Drawn(listing: Listing, words: Arc<ListingWords>) -> impl IntoView {
    let query = use_query_map();
    let detail_name = Memo::new(move |_| query.read().get("activityDetail"));
    let retention = Memo::new(move |_| query.read().get("retention").is_some());
    let access = Memo::new(move |_| query.read().get("access").is_some());
    // The row's "+": the detail opens with the contact search.
    let pairing = move || query.read_untracked().get("pair").is_some();
    let refresh = Callback::new(move |()| listing.page.refetch());
    let administrator =
        matches!(use_session().0.get_untracked(), SessionState::SignedIn(me) if me.role == Role::Admin);
    let retention_words = words.clone();
    let access_words = words.clone();
    view! {
        <h1 class=css::title>{words.title.clone()}</h1>
        <filters::Filters listing words=words.clone() />
        <div class=css::toolbar>
            <table::Found listing words=words.clone() />
            <export::Export listing words=words.clone() />
            {administrator.then(|| view! {
                <span>
                    <a class="button" href="?access" data-testid="access-open">{words.access.clone()}</a>" "
                    <a class="button" href="?retention" data-testid="retention-open">{words.retention.clone()}</a>
                </span>
            })}
        </div>
        <table::Table listing words=words.clone() />
        {move || detail_name.get().map(|name| view! { <detail::Detail name words=words.clone() pairing=pairing() on_changed=refresh /> })}
        {move || (administrator && retention.get()).then(|| view! { <retention::Retention listing words=retention_words.clone() /> })}
        {move || (administrator && access.get()).then(|| view! { <access::Access listing words=access_words.clone() /> })}
    }
}
