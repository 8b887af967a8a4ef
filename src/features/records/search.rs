//! Directory/Find: one box searches contacts and accounts by name, phone, email or identifier; results
//! come a page at a time, each with a button that chooses it.

use std::time::Duration;

use hovor_types::directory::{DIRECTORY_PAGE, DirectoryEntry, RecordKind};
use leptos::prelude::*;

use crate::components::lazy::split_view;
use leptos::task::spawn_local;

use crate::api::records as api;
use crate::i18n::{t, t_string, use_i18n};

use crate::widgets::record::css;

/// Typing settles for this long before the search runs.
const DEBOUNCE_MS: u64 = 250;

#[component]
pub fn DirectorySearch(
    on_choose: Callback<DirectoryEntry>,
    choose_label: ViewFn,
    #[prop(optional)] contacts_only: bool,
    /// Left out of the results (the contact being merged into).
    #[prop(optional)]
    exclude: Option<i64>,
    #[prop(optional)] initial: String,
    /// Bumped by the owner when records changed (a delete), to search again.
    #[prop(optional)]
    refresh: Option<RwSignal<u32>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let typed = RwSignal::new(initial.clone());
    let query = RwSignal::new(initial);
    let page = RwSignal::new(0u32);
    let results = LocalResource::new(move || {
        let (q, p) = (query.get(), page.get());
        if let Some(r) = refresh {
            r.track();
        }
        async move { api::directory(&q, p).await }
    });
    let on_input = move |ev| {
        let value = event_target_value(&ev);
        typed.set(value.clone());
        spawn_local(async move {
            gloo_timers::future::sleep(Duration::from_millis(DEBOUNCE_MS)).await;
            // Unmounted meanwhile: the search is gone with its signals.
            if typed.try_with_untracked(|t| *t == value) == Some(true) {
                page.set(0);
                query.set(value);
            }
        });
    };
    let rows = move || {
        results.get().map(|r| match r {
            Err(_) => view! { <p class=css::error role="alert">{t!(i18n, records.search_failed)}</p> }.into_any(),
            Ok(found) => {
                let pages = found.total.div_ceil(DIRECTORY_PAGE).max(1);
                let current = found.page;
                let entries: Vec<_> = found
                    .entries
                    .into_iter()
                    .filter(|e| !(contacts_only && e.kind == RecordKind::Account))
                    .filter(|e| !(e.kind == RecordKind::Contact && Some(e.id) == exclude))
                    .collect();
                view! {
                    <p class=css::muted role="status">{crate::format::t_count!(i18n, records.found, found.total)}</p>
                    <ul class=css::results data-testid="directory-results">
                        {entries.into_iter().map(|entry| {
                            let chosen = entry.clone();
                            let kind = entry.kind;
                            view! {
                                <li class=css::result data-kind=kind.as_str() data-testid="directory-entry">
                                    <span class=css::result_text>
                                        <span class=css::result_name>{entry.name.clone()}</span>
                                        <span class=css::muted>{entry.detail.clone()}</span>
                                        {entry.account.clone().map(|a| view! { <span class=css::muted>{a}</span> })}
                                    </span>
                                    <span class=css::kind>{match kind {
                                        RecordKind::Contact => t!(i18n, records.contact).into_any(),
                                        RecordKind::Account => t!(i18n, records.account).into_any(),
                                    }}</span>
                                    <button class="button" data-testid="directory-choose"
                                        title=entry.name.clone()
                                        on:click=move |_| on_choose.run(chosen.clone())>
                                        {choose_label.run()}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <div class=css::pager>
                        <button class="button" data-testid="directory-previous" disabled=current == 0
                            on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>
                            {t!(i18n, records.previous)}
                        </button>
                        <span class=css::muted>{t!(i18n, records.page_of, page = current + 1, pages = pages)}</span>
                        <button class="button" data-testid="directory-next" disabled={current + 1 >= pages}
                            on:click=move |_| page.update(|p| *p += 1)>
                            {t!(i18n, records.next)}
                        </button>
                    </div>
                }
                .into_any()
            }
        })
    };
    view! {
        <div class=css::search data-testid="directory-search">
            <input
                type="search"
                class=css::search_input
                data-testid="directory-query"
                placeholder=move || t_string!(i18n, records.search_placeholder).to_string()
                aria-label=move || t_string!(i18n, records.search_placeholder).to_string()
                prop:value=move || typed.get()
                on:input=on_input
            />
            {rows}
        </div>
    }
}

split_view!(records, pub fn find_contact(on_choose: Callback<DirectoryEntry>, choose_label: ViewFn) =>
    view! { <DirectorySearch on_choose choose_label contacts_only=true /> });
