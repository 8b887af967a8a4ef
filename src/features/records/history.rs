//! The History tab: every interaction of the contact across channels, a page at a time. Opening one
//! shows its transcript in place with four tabs; Hide transcript returns to the list where it was.

use hovor_types::conversation::KeyValue;
use hovor_types::history::{HistoryItem, InteractionDetails, Transcript};
use leptos::prelude::*;

use crate::components::lazy::split_view;

use crate::api::records as api;
use crate::components::tabs::{Tab, Tabs};
use crate::features::activities::Recordings;
use crate::format;
use crate::i18n::{t, use_i18n};
use crate::widgets::chips::{ChannelBadge, TagChip};
use crate::widgets::feedback::FeedbackAnswers;

use crate::state::configured::ConfiguredText;
use crate::widgets::record::css;

#[component]
pub fn HistoryTab(contact_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let page = RwSignal::new(0u32);
    let opened = RwSignal::new(None::<i64>);
    let history = LocalResource::new(move || api::history(contact_id, page.get()));
    let list = move || {
        history.get().map(|r| match r {
            Err(_) => view! { <p class=css::error role="alert">{t!(i18n, pane.error)}</p> }.into_any(),
            Ok(h) => {
                let (current, has_next) = (h.page, h.has_next);
                view! {
                    {h.items.is_empty().then(|| view! { <p class=css::muted>{t!(i18n, records.no_history)}</p> })}
                    <ol class=css::history data-testid="history">
                        {h.items.into_iter().map(|item| view! { <HistoryRow item opened /> }).collect_view()}
                    </ol>
                    <div class=css::pager>
                        <button class="button" data-testid="history-previous" disabled=current == 0
                            on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>{t!(i18n, records.previous)}</button>
                        <span class=css::muted data-testid="history-page">{current + 1}</span>
                        <button class="button" data-testid="history-next" disabled=!has_next
                            on:click=move |_| page.update(|p| *p += 1)>{t!(i18n, records.next)}</button>
                    </div>
                }
                .into_any()
            }
        })
    };
    view! {
        // The list stays mounted while a transcript is open, so hiding it returns to the same place.
        <div hidden=move || opened.with(Option::is_some)>{list}</div>
        {move || opened.get().map(|conversation| view! { <TranscriptView contact_id conversation opened /> })}
    }
}

#[component]
fn HistoryRow(item: HistoryItem, opened: RwSignal<Option<i64>>) -> impl IntoView {
    let i18n = use_i18n();
    let (started, id) = (item.started_at, item.conversation_id);
    let heading = item.subject.clone().or(item.preview.clone()).unwrap_or_default();
    view! {
        <li class=css::history_item data-testid="history-item" data-conversation=id>
            <button class=css::history_open on:click=move |_| opened.set(Some(id))>
                <span class=css::history_meta>
                    <ChannelBadge channel=item.channel />
                    <time>{move || format::date_time(i18n.get_locale(), started)}</time>
                    <span class=css::muted><ConfiguredText text=item.queue_name.clone() /></span>
                    {item.agent_name.clone().map(|a| view! { <span class=css::muted>{a}</span> })}
                    // Linked both ways: the callback's call, and the interaction callbacks were agreed in.
                    {item.callback_call.then(|| view! { <span data-testid="history-callback-call">{t!(i18n, offers.callback)}</span> })}
                    {(item.callbacks_agreed > 0).then(|| view! {
                        <span data-testid="history-callbacks-agreed">{t!(i18n, timeline.callback)}</span>
                    })}
                </span>
                <span class=css::history_text>{heading}</span>
            </button>
            {(!item.survey.is_empty()).then(|| view! {
                <dl class=css::facts data-testid="history-survey">
                    {item.survey.iter().map(|a| view! { <dt><ConfiguredText text=a.question.clone() /></dt><dd><ConfiguredText text=a.answer.clone() /></dd> }).collect_view()}
                </dl>
            })}
            <FeedbackAnswers answers=item.feedback />
            <span class=css::tags>{item.tags.into_iter().map(|tag| view! { <TagChip tag /> }).collect_view()}</span>
        </li>
    }
}

#[component]
fn TranscriptView(contact_id: i64, conversation: i64, opened: RwSignal<Option<i64>>) -> impl IntoView {
    let i18n = use_i18n();
    let transcript = LocalResource::new(move || api::transcript(contact_id, conversation));
    let body = move || {
        transcript.get().map(|r| match r {
            Err(_) => view! { <p class=css::error role="alert">{t!(i18n, pane.error)}</p> }.into_any(),
            Ok(t) => view! { <TranscriptTabs t /> }.into_any(),
        })
    };
    view! {
        <div class=css::transcript data-testid="transcript">
            <button class="button" data-testid="hide-transcript" on:click=move |_| opened.set(None)>
                {t!(i18n, records.hide_transcript)}
            </button>
            {body}
        </div>
    }
}

#[component]
fn TranscriptTabs(t: Transcript) -> impl IntoView {
    let i18n = use_i18n();
    let selected = RwSignal::new("details");
    let mut tabs = vec![
        Tab { id: "details", label: ViewFn::from(move || t!(i18n, records.tab_details)) },
        Tab { id: "suggestions", label: ViewFn::from(move || t!(i18n, suggestions.title)) },
        Tab { id: "notes", label: ViewFn::from(move || t!(i18n, records.tab_notes)) },
    ];
    if t.attached_data.is_some() {
        tabs.push(Tab { id: "attached", label: ViewFn::from(move || t!(i18n, records.tab_attached)) });
    }
    let d = t.details;
    let (suggestions, notes, attached) = (t.suggestions, t.notes, t.attached_data.unwrap_or_default());
    let recordings = (!t.recordings.is_empty()).then_some(t.recordings);
    let panel = move || {
        match selected.get() {
        "suggestions" => view! {
            <ul class=css::points data-testid="transcript-suggestions">
                {suggestions.iter().map(|s| view! { <li><strong>{s.title.clone()}</strong>" "{s.body.clone()}</li> }).collect_view()}
            </ul>
        }
        .into_any(),
        "notes" if notes.is_empty() => view! { <p class=css::muted>{t!(i18n, records.no_notes)}</p> }.into_any(),
        "notes" => view! {
            <ul class=css::points data-testid="transcript-notes">
                {notes.iter().map(|n| view! { <li>{n.body.clone()}<span class=css::muted>" · "{n.by.clone()}</span></li> }).collect_view()}
            </ul>
        }
        .into_any(),
        "attached" => key_values(&attached, "transcript-attached"),
        _ => details_view(d.clone()),
    }
    };
    view! {
        {recordings.map(|list| view! { <Recordings list /> })}
        <ol class=css::transcript_messages data-testid="transcript-messages">
            {t.messages.into_iter().map(|m| view! {
                <li data-direction=m.direction.as_str()><span class=css::muted>{m.author}": "</span>{m.body}</li>
            }).collect_view()}
        </ol>
        <Tabs name="transcript" tabs selected>
            {panel.clone()}
        </Tabs>
    }
}

fn details_view(d: InteractionDetails) -> AnyView {
    let i18n = use_i18n();
    let (started, ended) = (d.started_at, d.ended_at);
    view! {
        <dl class=css::facts data-testid="transcript-details">
            <dt>{t!(i18n, summary.channel)}</dt><dd><ChannelBadge channel=d.channel /></dd>
            <dt>{t!(i18n, records.status)}</dt><dd>{d.status}</dd>
            {d.email.map(|e| view! {
                <dt>{t!(i18n, records.sender)}</dt><dd data-testid="transcript-from">{e.from}</dd>
                <dt>{t!(i18n, records.cc)}</dt><dd data-testid="transcript-cc">{e.cc.join(", ")}</dd>
            })}
            {d.subject.map(|s| view! { <dt>{t!(i18n, summary.subject)}</dt><dd>{s}</dd> })}
            <dt>{t!(i18n, records.contact)}</dt><dd>{d.contact_name.unwrap_or_default()}</dd>
            <dt>{t!(i18n, summary.queue)}</dt><dd><ConfiguredText text=d.queue_name /></dd>
            <dt>{t!(i18n, records.agent)}</dt><dd>{d.agent_name.unwrap_or_default()}</dd>
            <dt>{t!(i18n, summary.start_time)}</dt><dd>{move || format::date_time(i18n.get_locale(), started)}</dd>
            {ended.map(|e| view! { <dt>{t!(i18n, records.end_time)}</dt><dd>{move || format::date_time(i18n.get_locale(), e)}</dd> })}
        </dl>
    }
    .into_any()
}

/// Read-only key/value pairs (attached data).
pub fn key_values(values: &[KeyValue], testid: &'static str) -> AnyView {
    view! {
        <dl class=css::facts data-testid=testid>
            {values.iter().map(|kv| view! { <dt>{kv.key.clone()}</dt><dd>{kv.value.clone()}</dd> }).collect_view()}
        </dl>
    }
    .into_any()
}

split_view!(records, pub fn history_tab(contact_id: i64) => view! { <HistoryTab contact_id /> });
