//! Inserting a standard response into the composer: placeholders are filled from the conversation, a
//! fill-in field (`{{ask:Order number}}`) or a value the conversation lacks is asked for first, and the
//! text goes in at the cursor (or in place of the `#` query), where it stays editable.

use std::collections::BTreeMap;

use hovor_types::placeholder::{self, Piece};
use hovor_types::response::{SuggestedResponse, UsedResponse};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api::responses as api;
use crate::components::lazy::{lazy_view, split_view};
use crate::features::conversation::COMPOSER_ID;
use crate::i18n::{t, t_string, use_i18n};
use crate::state::drafts::{Drafts, use_drafts};

stylance::import_crate_style!(css, "src/features/responses/insert.module.css");

/// A response waiting for the agent to fill in its fields.
#[derive(Clone)]
struct Pending {
    /// The standard response it is, if it is one.
    response: Option<i64>,
    body: String,
    values: BTreeMap<String, String>,
    /// Fill-in labels and keys without a value, in order of appearance.
    fields: Vec<Field>,
    range: Option<(u32, u32)>,
    /// The draft when the agent chose the response: the range only holds while it is unchanged.
    draft: String,
}

#[derive(Clone, PartialEq)]
enum Field {
    Ask(String),
    Missing(String),
}

/// Inserts responses into one conversation's composer; provided by the conversation view.
#[derive(Clone, Copy)]
pub struct Inserter {
    conversation: i64,
    pending: RwSignal<Option<Pending>>,
    drafts: Drafts,
    /// The standard response inserted last and its text as inserted, until a message is sent.
    inserted: StoredValue<Option<(i64, String)>>,
}

pub fn provide_inserter(conversation: i64) -> Inserter {
    // Held here: inserting finishes in a task after the request, outside any component's owner.
    let inserter = Inserter {
        conversation,
        pending: RwSignal::new(None),
        drafts: use_drafts(),
        inserted: StoredValue::new(None),
    };
    provide_context(inserter);
    inserter
}

pub fn use_inserter() -> Inserter {
    expect_context::<Inserter>()
}

impl Inserter {
    /// Inserts a standard response: as [`insert`](Self::insert), and the message sent next says it was
    /// written from it.
    pub fn insert_response(self, response: &SuggestedResponse, range: Option<(u32, u32)>) {
        self.insert_from(Some(response.id), response.body.clone(), range);
    }

    /// Inserts `body` at the composer's cursor (or over `range`, in UTF-16 units, as the textarea counts),
    /// asking for fill-in fields and missing values first.
    pub fn insert(self, body: String, range: Option<(u32, u32)>) {
        self.insert_from(None, body, range);
    }

    /// The standard response the message being sent was written from (sent as inserted or edited);
    /// forgotten once asked.
    pub fn used_response(self, sent: &str) -> Option<UsedResponse> {
        let (id, inserted) = self.inserted.try_update_value(Option::take).flatten()?;
        UsedResponse::from_sent(id, &inserted, sent)
    }

    fn insert_from(self, response: Option<i64>, body: String, range: Option<(u32, u32)>) {
        let range = range.or_else(selection);
        let draft = self.drafts.get_untracked(self.conversation);
        spawn_local(async move {
            // Without the values, every placeholder is asked for: nothing is inserted unfilled unseen.
            let values = api::placeholder_values(self.conversation).await.unwrap_or_default();
            let fields = fields_to_ask(&body, &values);
            if fields.is_empty() {
                let filled = placeholder::fill(&body, &values, &BTreeMap::new());
                self.put(response, &filled.text, range, &draft);
            } else {
                // The dialog focuses its first field once it is drawn.
                self.pending.try_set(Some(Pending { response, body, values, fields, range, draft }));
            }
        });
    }

    /// Puts `text` over `range` of the draft as it was (`then`); if the agent has edited it since, at the end.
    fn put(self, response: Option<i64>, text: &str, range: Option<(u32, u32)>, then: &str) {
        let _ = self.inserted.try_set_value(response.map(|id| (id, text.to_owned())));
        let drafts = self.drafts;
        let current = drafts.get_untracked(self.conversation);
        let range = range.filter(|_| current == then);
        let (start, end) = match range {
            Some((s, e)) => (byte_at(&current, s), byte_at(&current, e.max(s))),
            None => (current.len(), current.len()),
        };
        let (before, after) = (&current[..start], &current[end..]);
        // At the end of earlier text, a response starts on its own line.
        let joiner = if range.is_none() && !before.trim().is_empty() { "\n" } else { "" };
        let next =
            format!("{}{joiner}{text}{after}", if joiner.is_empty() { before } else { before.trim_end() });
        let caret = (next.len() - after.len()) as u32;
        let caret_utf16 = next[..caret as usize].encode_utf16().count() as u32;
        drafts.set(self.conversation, next);
        // After the textarea shows the new text: focus it with the cursor right after the response, unless
        // the agent has moved to another conversation meanwhile.
        let conversation = self.conversation;
        request_animation_frame(move || {
            if let Some(el) = composer().filter(|el| {
                el.closest(&format!("[data-conversation=\"{conversation}\"]")).ok().flatten().is_some()
            }) {
                let _ = el.focus();
                let _ = el.set_selection_range(caret_utf16, caret_utf16);
            }
        });
    }
}

/// The fill-in labels, then the keys the conversation has no value for, each once.
fn fields_to_ask(body: &str, values: &BTreeMap<String, String>) -> Vec<Field> {
    let mut fields = Vec::new();
    for piece in placeholder::pieces(body) {
        let field = match piece {
            Piece::Ask(label) => Field::Ask(label.to_owned()),
            Piece::Value(key) if !values.contains_key(key) => Field::Missing(key.to_owned()),
            _ => continue,
        };
        if !fields.contains(&field) {
            fields.push(field);
        }
    }
    fields
}

fn composer() -> Option<web_sys::HtmlTextAreaElement> {
    document().get_element_by_id(COMPOSER_ID).and_then(|el| el.dyn_into().ok())
}

/// The composer's selection, if it has been focused (a textarea keeps it when it loses focus).
fn selection() -> Option<(u32, u32)> {
    let el = composer()?;
    let start = el.selection_start().ok().flatten()?;
    let end = el.selection_end().ok().flatten()?;
    Some((start, end))
}

/// The byte offset of a UTF-16 offset into `s` (the textarea counts in UTF-16 units).
pub fn byte_at(s: &str, utf16: u32) -> usize {
    let mut units = 0u32;
    for (i, c) in s.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16() as u32;
    }
    s.len()
}

/// The fill-in dialog while a response waits for its fields; its code is fetched with the panes.
#[component]
pub fn FillDialog() -> impl IntoView {
    let inserter = use_inserter();
    let open = Memo::new(move |_| inserter.pending.with(Option::is_some));
    move || open.get().then(|| lazy_view(move || fill_dialog(inserter)))
}

split_view!(panes, fn fill_dialog(inserter: Inserter) => view! { <FillForm inserter /> });

/// Asks for a response's fill-in fields and missing values, then inserts it. Left empty, a field stays as
/// its placeholder, which the composer refuses to send.
#[component]
fn FillForm(inserter: Inserter) -> impl IntoView {
    let i18n = use_i18n();
    let answers = RwSignal::new(BTreeMap::<String, String>::new());
    let insert = move || {
        let Some(p) = inserter.pending.get_untracked() else { return };
        let mut values = p.values.clone();
        let mut asked = BTreeMap::new();
        for field in &p.fields {
            let typed = answers.with_untracked(|a| a.get(field_key(field)).cloned()).unwrap_or_default();
            match field {
                Field::Ask(label) => asked.insert(label.clone(), typed),
                Field::Missing(key) => values.insert(key.clone(), typed),
            };
        }
        let filled = placeholder::fill(&p.body, &values, &asked);
        inserter.pending.set(None);
        answers.set(BTreeMap::new());
        inserter.put(p.response, &filled.text, p.range, &p.draft);
    };
    let cancel = move || {
        inserter.pending.set(None);
        answers.set(BTreeMap::new());
    };
    move || {
        inserter.pending.get().map(|p| {
            // The agent types the first value at once: focused when the dialog is in the page, however
            // long drawing it took.
            let form = NodeRef::<leptos::html::Form>::new();
            Effect::new(move |_| {
                let first = form.get().and_then(|f| f.query_selector("input").ok().flatten());
                if let Some(input) = first.and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok()) {
                    let _ = input.focus();
                }
            });
            view! {
                <form
                    node_ref=form
                    class=css::dialog
                    role="dialog"
                    aria-labelledby="fill-title"
                    data-testid="fill-dialog"
                    on:submit=move |ev| { ev.prevent_default(); insert(); }
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { cancel(); }
                >
                    <h3 id="fill-title" class=css::title>{t!(i18n, responses.fill_title)}</h3>
                    {p.fields.into_iter().map(|field| {
                        let key = field_key(&field).to_owned();
                        let label = match &field {
                            Field::Ask(label) => label.clone(),
                            Field::Missing(key) => t_string!(i18n, responses.no_value, key = key.clone()).to_string(),
                        };
                        let input_key = key.clone();
                        view! {
                            <label class=css::field>
                                <span>{label}</span>
                                <input
                                    type="text"
                                    data-field=key.clone()
                                    prop:value=move || answers.with(|a| a.get(&key).cloned().unwrap_or_default())
                                    on:input=move |ev| {
                                        let value = event_target_value(&ev);
                                        answers.update(|a| { a.insert(input_key.clone(), value); });
                                    }
                                />
                            </label>
                        }
                    }).collect_view()}
                    <p class=css::hint>{t!(i18n, responses.fill_hint)}</p>
                    <div class=css::actions>
                        <button type="button" class="button" on:click=move |_| cancel()>{t!(i18n, responses.cancel)}</button>
                        <button type="submit" class="button primary" data-testid="fill-insert">{t!(i18n, responses.insert)}</button>
                    </div>
                </form>
            }
        })
    }
}

fn field_key(field: &Field) -> &str {
    match field {
        Field::Ask(label) | Field::Missing(label) => label,
    }
}
