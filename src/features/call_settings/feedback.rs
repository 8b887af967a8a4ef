//! A queue's post-chat survey on the queue settings page: the questions its customers are asked once
//! a chat has ended (a rating in stars or a comment, each required or not), in order. Checked with
//! `hovor_types::feedback`'s rules beside the field, and again by the server. Its words are the
//! `call_settings` string pack, fetched with the page.

use std::sync::Arc;

use hovor_types::error::Rule;
use hovor_types::feedback::{FeedbackKind, FeedbackQuestion, check_questions};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;

use super::{css, said};
use crate::api::ApiError;
use crate::api::call_settings as api;
use crate::components::form::rule_words;
use crate::components::strings::load;
use crate::i18n::{t, t_string, use_i18n};
use crate::widgets::record::css as record;

#[derive(Deserialize)]
struct Words {
    feedback_title: String,
    feedback_hint: String,
    feedback_none: String,
    feedback_question: String,
    feedback_rating: String,
    feedback_comment: String,
    feedback_required: String,
    feedback_add: String,
    feedback_taken: String,
}

#[component]
pub fn FeedbackForm(queue: i64) -> impl IntoView {
    let words = load::<Words>("call_settings");
    move || words.get().flatten().map(|w| view! { <Form queue w /> })
}

/// One question being edited.
#[derive(Clone, Copy)]
struct Row {
    key: u64,
    kind: RwSignal<FeedbackKind>,
    label: RwSignal<String>,
    required: RwSignal<bool>,
}

impl Row {
    fn question(self) -> FeedbackQuestion {
        FeedbackQuestion {
            id: 0,
            kind: self.kind.get_untracked(),
            label: self.label.get_untracked(),
            required: self.required.get_untracked(),
        }
    }
}

#[component]
fn Form(queue: i64, w: Arc<Words>) -> impl IntoView {
    let i18n = use_i18n();
    let stored = LocalResource::new(move || api::feedback(queue));
    let rows = RwSignal::new(Vec::<Row>::new());
    let next_key = StoredValue::new(0u64);
    let new_row = move |q: FeedbackQuestion| {
        next_key.update_value(|k| *k += 1);
        Row {
            key: next_key.get_value(),
            kind: RwSignal::new(q.kind),
            label: RwSignal::new(q.label),
            required: RwSignal::new(q.required),
        }
    };
    // The broken field (`questions[1].label`) and what is wrong with it.
    let error = RwSignal::new(None::<(String, String)>);
    let status = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(questions)) = stored.get() {
            rows.set(questions.into_iter().map(new_row).collect());
        }
    });
    let position = move |key: u64| rows.with(|rs| rs.iter().position(|r| r.key == key)).unwrap_or(0);
    let is_last = move |key: u64| rows.with(|rs| rs.last().is_some_and(|r| r.key == key));
    let label_error = move |key: u64| {
        move || {
            let place = format!("questions[{}].label", position(key));
            error.with(|e| e.as_ref().filter(|(f, _)| *f == place).map(|(_, m)| m.clone()))
        }
    };
    let changed = move || {
        error.set(None);
        status.set(None);
    };
    let taken = w.feedback_taken.clone();
    let words = move |rule: Rule| match rule {
        Rule::Taken => taken.clone(),
        rule => rule_words(i18n, rule),
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        status.set(None);
        let questions: Vec<FeedbackQuestion> = rows.get_untracked().into_iter().map(Row::question).collect();
        if let Err(e) = check_questions(&questions) {
            error.set(Some((e.field.to_string(), words(e.rule))));
            return;
        }
        let words = words.clone();
        spawn_local(async move {
            match api::save_feedback(queue, questions).await {
                Ok(saved) => {
                    rows.set(saved.into_iter().map(new_row).collect());
                    status.set(Some(said(i18n, &Ok(()))));
                }
                Err(ApiError::Validation { field: Some(field), rule: Some(rule), .. }) => {
                    error.set(Some((field, words(rule))))
                }
                Err(e) => status.set(Some(said(i18n, &Err(e)))),
            }
        });
    };
    let add = move |_| {
        changed();
        let blank =
            FeedbackQuestion { id: 0, kind: FeedbackKind::Rating, label: String::new(), required: false };
        rows.update(|rs| rs.push(new_row(blank)));
    };
    let shift = move |key: u64, by: isize| {
        changed();
        rows.update(|rs| {
            let Some(at) = rs.iter().position(|r| r.key == key) else { return };
            if let Some(to) = at.checked_add_signed(by).filter(|&to| to < rs.len()) {
                rs.swap(at, to);
            }
        });
    };
    let (rating, comment) = (w.feedback_rating.clone(), w.feedback_comment.clone());
    let (question, required) = (w.feedback_question.clone(), w.feedback_required.clone());
    let none = w.feedback_none.clone();
    view! {
        <form class=record::form data-testid="feedback-settings" novalidate on:submit=save>
            <h3>{w.feedback_title.clone()}</h3>
            <p class=record::muted>{w.feedback_hint.clone()}</p>
            <Show when=move || rows.with(Vec::is_empty)>
                <p class=record::muted data-testid="feedback-none">{none.clone()}</p>
            </Show>
            <ol class=css::variables>
                <For each=move || rows.get() key=|r| r.key let(row)>
                    <li class=css::variable data-testid="feedback-question">
                        <label class=css::field>
                            <span>{question.clone()}</span>
                            <input data-testid="feedback-label" autocomplete="off"
                                aria-invalid=move || label_error(row.key)().is_some().to_string()
                                prop:value=move || row.label.get() on:input=move |ev| { row.label.set(event_target_value(&ev)); changed(); } />
                            <span class=record::error role="alert" data-testid="feedback-label-error">{label_error(row.key)}</span>
                        </label>
                        <label class=css::field>
                            <span>{t!(i18n, call_settings.kind)}</span>
                            <select data-testid="feedback-kind" prop:value=move || row.kind.get().as_str()
                                on:change=move |ev| { if let Some(kind) = FeedbackKind::parse(&event_target_value(&ev)) { row.kind.set(kind); changed(); } }>
                                <option value=FeedbackKind::Rating.as_str()>{rating.clone()}</option>
                                <option value=FeedbackKind::Comment.as_str()>{comment.clone()}</option>
                            </select>
                        </label>
                        <label class=record::check>
                            <input type="checkbox" data-testid="feedback-required" prop:checked=move || row.required.get()
                                on:change=move |ev| { row.required.set(event_target_checked(&ev)); changed(); } />
                            <span>{required.clone()}</span>
                        </label>
                        <span class=css::row_actions>
                            <button type="button" class="button" disabled=move || position(row.key) == 0
                                aria-label=move || t_string!(i18n, call_settings.move_up).to_string() on:click=move |_| shift(row.key, -1)>"↑"</button>
                            <button type="button" class="button" disabled=move || is_last(row.key)
                                aria-label=move || t_string!(i18n, call_settings.move_down).to_string() on:click=move |_| shift(row.key, 1)>"↓"</button>
                            <button type="button" class="button" data-testid="feedback-remove"
                                on:click=move |_| { changed(); rows.update(|rs| rs.retain(|r| r.key != row.key)); }>{t!(i18n, call_settings.remove)}</button>
                        </span>
                    </li>
                </For>
            </ol>
            <p class=record::error role="alert" data-testid="feedback-settings-error">
                {move || error.with(|e| e.as_ref().filter(|(f, _)| f == "questions").map(|(_, m)| m.clone()))}
            </p>
            <div class=record::actions>
                <button type="button" class="button" data-testid="feedback-add" on:click=add>{w.feedback_add.clone()}</button>
                <button type="submit" class="button primary" data-testid="feedback-save">{t!(i18n, call_settings.save)}</button>
                <span class=record::muted role="status" data-testid="feedback-status">{move || status.get()}</span>
            </div>
        </form>
    }
}
