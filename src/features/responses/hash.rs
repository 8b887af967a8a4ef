//! `#` in the composer: typing `#` and a shortcut or words lists matching responses (the agent's
//! favourites first); arrows choose, Enter or a tap inserts in place of the query, Escape closes.

use std::time::Duration;

use hovor_types::response::{SuggestedResponse, hash_query};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::insert::{Inserter, byte_at};
use crate::api::responses as api;
use crate::components::lazy::{lazy_view, split_view};
use crate::i18n::{t, use_i18n};

stylance::import_crate_style!(css, "src/features/responses/hash.module.css");

pub const HASH_LIST_ID: &str = "hash-responses";
/// Typing pauses this long before the list is asked for.
const DEBOUNCE_MS: u64 = 120;

/// The open `#` list: where the query starts and ends (UTF-16, as the textarea counts), the matches and
/// the chosen one.
#[derive(Clone, Copy)]
pub struct HashSearch {
    conversation: i64,
    range: RwSignal<Option<(u32, u32)>>,
    results: RwSignal<Vec<SuggestedResponse>>,
    active: RwSignal<usize>,
    asked: StoredValue<u32>,
    /// The matches for the query as typed now are still on their way.
    loading: RwSignal<bool>,
    /// Where the `#` the agent closed with Escape starts: it stays closed until another `#`.
    dismissed: StoredValue<Option<u32>>,
    /// Enter or Tab came before the matches for what was typed: the first of them goes in when they
    /// arrive (nothing does when there are none).
    chosen_early: StoredValue<Option<Inserter>>,
}

impl HashSearch {
    pub fn new(conversation: i64) -> HashSearch {
        HashSearch {
            conversation,
            range: RwSignal::new(None),
            results: RwSignal::new(Vec::new()),
            active: RwSignal::new(0),
            asked: StoredValue::new(0),
            loading: RwSignal::new(false),
            dismissed: StoredValue::new(None),
            chosen_early: StoredValue::new(None),
        }
    }

    pub fn is_open(self) -> bool {
        self.range.with(Option::is_some)
    }

    /// After each edit or cursor move: opens, updates or closes the list for the text before the cursor.
    pub fn typed(self, text: &str, cursor_utf16: u32) {
        let before = &text[..byte_at(text, cursor_utf16)];
        let Some((start, query)) = hash_query(before) else {
            // The # closed with Escape is gone (or was never there): a new one opens the list again.
            self.dismissed.set_value(None);
            self.close();
            return;
        };
        let start_utf16 = before[..start].encode_utf16().count() as u32;
        if self.dismissed.get_value() == Some(start_utf16) {
            self.range.set(None);
            return;
        }
        self.dismissed.set_value(None);
        self.chosen_early.set_value(None);
        self.range.set(Some((start_utf16, cursor_utf16)));
        self.loading.set(true);
        let query = format!("#{query}");
        let asked = self.asked.get_value() + 1;
        self.asked.set_value(asked);
        spawn_local(async move {
            gloo_timers::future::sleep(Duration::from_millis(DEBOUNCE_MS)).await;
            if self.asked.try_get_value() != Some(asked) {
                return;
            }
            let found = api::search(self.conversation, &query).await;
            if self.asked.try_get_value() == Some(asked) {
                self.active.try_set(0);
                self.results.try_set(found.unwrap_or_default());
                self.loading.try_set(false);
                if let Some(inserter) = self.chosen_early.try_update_value(Option::take).flatten() {
                    self.choose(0, inserter);
                }
            }
        });
    }

    /// Also from the blur of a composer being taken off the page, when these values may be gone.
    pub fn close(self) {
        self.asked.try_update_value(|a| *a += 1);
        self.chosen_early.try_set_value(None);
        self.range.try_set(None);
        self.results.try_set(Vec::new());
        self.loading.try_set(false);
    }

    /// Keys while the list is open; true when the key was the list's.
    pub fn key(self, key: &str, inserter: Inserter) -> bool {
        if !self.is_open() {
            return false;
        }
        let count = self.results.with(Vec::len);
        match key {
            "Escape" => {
                self.dismissed.set_value(self.range.get_untracked().map(|r| r.0));
                self.close();
            }
            // Matches for what was just typed are on their way: Enter neither sends "#…" nor inserts an
            // earlier query's match, but the first of them once they are here.
            "Enter" | "Tab" if self.loading.get_untracked() => self.chosen_early.set_value(Some(inserter)),
            "ArrowDown" if count > 0 => self.active.update(|a| *a = (*a + 1) % count),
            "ArrowUp" if count > 0 => self.active.update(|a| *a = (*a + count - 1) % count),
            "Enter" | "Tab" if count > 0 => self.choose(self.active.get_untracked(), inserter),
            // A query that matched nothing is never sent as "#…": Enter waits for a choice or Escape.
            "Enter" => {}
            _ => return false,
        }
        true
    }

    fn choose(self, index: usize, inserter: Inserter) {
        let response = self.results.with_untracked(|r| r.get(index).cloned());
        let range = self.range.get_untracked();
        self.close();
        if let Some(response) = response {
            inserter.insert_response(&response, range);
        }
    }

    pub fn active_id(self) -> Option<String> {
        self.is_open()
            .then(|| format!("{HASH_LIST_ID}-{}", self.active.get()))
            .filter(|_| self.results.with(|r| !r.is_empty()))
    }
}

/// The list above the composer while a `#` query is typed; its code is fetched with the panes.
#[component]
pub fn HashList(search: HashSearch, inserter: Inserter) -> impl IntoView {
    // A memo: the query moving on must not build the list again, only opening and closing.
    let open = Memo::new(move |_| search.is_open());
    move || open.get().then(|| lazy_view(move || hash_list(search, inserter)))
}

split_view!(panes, fn hash_list(search: HashSearch, inserter: Inserter) => view! { <Matches search inserter /> });

#[component]
fn Matches(search: HashSearch, inserter: Inserter) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        search.is_open().then(|| {
            let results = search.results.get();
            if results.is_empty() {
                // Not "no match" while the matches for what was just typed are on their way.
                if search.loading.get() {
                    return ().into_any();
                }
                return view! { <p class=css::empty role="status" data-testid="hash-empty">{t!(i18n, responses.no_match)}</p> }.into_any();
            }
            view! {
                <ul id=HASH_LIST_ID class=css::list role="listbox" aria-label=move || crate::i18n::t_string!(i18n, responses.hash_label).to_string() data-testid="hash-list">
                    {results.into_iter().enumerate().map(|(n, r)| {
                        let selected = move || search.active.get() == n;
                        view! {
                            <li
                                id=format!("{HASH_LIST_ID}-{n}")
                                role="option"
                                class=css::option
                                aria-selected=move || selected().to_string()
                                data-testid="hash-option"
                                data-favourite=r.favourite.to_string()
                                // Keeps the composer focused, so the cursor stays where the query is.
                                on:pointerdown=|ev| ev.prevent_default()
                                on:click=move |_| search.choose(n, inserter)
                            >
                                <span class=css::title>{r.favourite.then_some("★ ")}{r.title}</span>
                                {r.shortcut.map(|s| view! { <span class=css::shortcut>{format!("#{s}")}</span> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        })
    }
}
