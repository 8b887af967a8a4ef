//! This conversation's messages under the customer's earlier interactions, newest at the bottom.
//! Only a window of rows is in the page; scrolling up moves the window and loads older pages.

use hovor_types::conversation::Channel;
use hovor_types::message::Direction;
use hovor_types::session_data::validate_note;
use hovor_types::timeline::{EntryKind, NewNote, RelatedRecord, RelatedRecords, TimelineEntry, TimelinePage};
use leptos::html::Div;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::api::conversations as api;
use crate::api::records as records_api;
use crate::components::first_paint::reveal;
use crate::components::form::{FieldMessage, FormErrors};
use crate::components::lazy::lazy_view;
use crate::components::pane::resource_pane;
use crate::components::typed::Typed;
use crate::components::window::Window;
use crate::format;
use crate::i18n::{t, t_string, use_i18n};
use crate::state::configured::ConfiguredText;
use crate::state::conversation::{OpenConversation, PendingState, use_open_conversation};
use crate::state::live::use_live;
use crate::widgets::chips::ChannelBadge;

stylance::import_crate_style!(css, "src/features/conversation/timeline.module.css");

/// Rows in the page at most, and how far one scroll step moves the window.
const WINDOW_ROWS: usize = 100;
const WINDOW_STEP: usize = 40;
/// Distance from an edge (px) at which the window moves.
const EDGE_PX: i32 = 240;
/// Rounding of scroll positions: this close to the end is at the bottom.
const BOTTOM_SLACK_PX: i32 = 2;

#[component]
pub fn Timeline() -> impl IntoView {
    let i18n = use_i18n();
    let open = use_open_conversation();
    // The related record the agent chose; `None` until then: the server's default.
    let record = RwSignal::new(None::<RelatedRecord>);
    // A quick note typed and not yet added, per record: the timeline reloads when the records change.
    let notes = Typed::<RelatedRecord>::default();
    let first_page = LocalResource::new(move || {
        open.records.track();
        api::timeline(open.id, record.get(), None)
    });
    // A call that ends while on screen: its recordings join the timeline in place, without a reload
    // (a note being typed and the scroll position stay).
    let live = use_live();
    let is_call = move || {
        live.tasks.with_untracked(|t| {
            t.as_ref()
                .and_then(|t| t.as_ref().ok())
                .is_some_and(|t| t.iter().any(|t| t.id == open.id && t.channel == Channel::Voice))
        })
    };
    Effect::new(move |was_ended: Option<bool>| {
        let ended = open.ended.get();
        if ended && was_ended == Some(false) && is_call() {
            // In the call chunk, which a call's desk has loaded already.
            spawn_local(async move {
                let _ = crate::features::call::timeline_recordings(open).await;
            });
        }
        ended
    });
    let render = move |page: TimelinePage| {
        // Drawn in the same frame as the rows: the agent never sees the desk without its conversation.
        reveal();
        let shown = page.record;
        view! {
            <RecordSelector related=page.related.clone() shown record />
            <TimelineRows open page record=shown />
            {shown.map(|shown| view! { <QuickNote open record=shown notes /> })}
        }
    };
    resource_pane(ViewFn::from(move || t!(i18n, timeline.title)), "timeline", first_page, render)
}

#[component]
fn TimelineRows(open: OpenConversation, page: TimelinePage, record: Option<RelatedRecord>) -> impl IntoView {
    let i18n = use_i18n();
    let len = open.load_newest(page.entries);
    open.older.set(page.older);
    let window = RwSignal::new(Window::at_bottom(len, WINDOW_ROWS, WINDOW_STEP));
    let loading_older = RwSignal::new(false);
    let scroller = NodeRef::<Div>::new();

    // New rows at the bottom (a sent message) keep a bottom-following window at the bottom.
    let last_len = StoredValue::new(len);
    Effect::new(move |_| {
        let len = open.entries.with(Vec::len);
        let old = last_len.get_value();
        if len > old && window.with_untracked(|w| w.is_at_bottom(old)) {
            window.update(|w| w.appended(old, len));
            after_render(move || scroll_to_bottom(scroller));
        }
        last_len.set_value(len);
    });
    Effect::new(move |_| {
        open.pending.track();
        after_render(move || scroll_to_bottom(scroller));
    });
    after_render(move || scroll_to_bottom(scroller));
    let bottom = BottomFollower::new(scroller);

    let on_scroll = move |_| {
        let Some(el) = scroller.get_untracked() else { return };
        bottom.scrolled(&el);
        if el.scroll_top() < EDGE_PX {
            move_up(open, record, window, loading_older, scroller);
        } else if el.scroll_height() - el.scroll_top() - el.client_height() < EDGE_PX {
            let len = open.entries.with_untracked(Vec::len);
            let anchor = Anchor::take(scroller);
            if window.try_update(|w| w.down(len)).unwrap_or(false) {
                after_render(move || anchor.restore(scroller));
            }
        }
    };

    let rows = move || {
        let w = window.get();
        open.entries.with(|entries| {
            let end = w.end.min(entries.len());
            let start = w.start.min(end);
            (start..end)
                .filter_map(|i| {
                    let e = &entries[i];
                    let above = (i > start).then(|| &entries[i - 1]);
                    let same_as_above = above.is_some_and(|a| a.conversation_id == e.conversation_id);
                    // An interaction's own entry sorts at its acceptance: messages the customer wrote
                    // while waiting come before it, already under their heading.
                    if e.kind == EntryKind::Interaction && same_as_above {
                        return None;
                    }
                    // Messages of another interaction than the row above get a heading, unless the
                    // interaction's own entry is right there.
                    let separator = e.kind == EntryKind::Message
                        && above.is_none_or(|a| !same_as_above && a.kind != EntryKind::Interaction);
                    Some((e.clone(), separator))
                })
                .collect::<Vec<_>>()
        })
    };
    let at_beginning = move || window.get().start == 0 && open.older.get().is_none();

    view! {
        <div
            class=css::scroller
            node_ref=scroller
            on:scroll=on_scroll
            data-testid="timeline-scroller"
            tabindex="0"
            role="region"
            aria-label=move || t_string!(i18n, timeline.title).to_string()
        >
            <Show when=at_beginning>
                <p class=css::edge>{t!(i18n, timeline.beginning)}</p>
            </Show>
            <Show when=move || loading_older.get()>
                <p class=css::edge role="status">{t!(i18n, timeline.loading_older)}</p>
            </Show>
            <ol class=css::list aria-live="polite">
                <For each=rows key=|(e, separator)| (e.key, *separator) let((entry, separator))>
                    <Row entry separator current=open.id />
                </For>
                <For each=move || open.pending.get() key=|p| (p.key.clone(), p.state.clone()) let(message)>
                    <PendingRow key=message.key body=message.body state=message.state />
                </For>
            </ol>
        </div>
    }
}

/// Moves the window towards older rows, fetching the next older page when the loaded ones run out.
fn move_up(
    open: OpenConversation,
    record: Option<RelatedRecord>,
    window: RwSignal<Window>,
    loading: RwSignal<bool>,
    scroller: NodeRef<Div>,
) {
    if loading.get_untracked() {
        return;
    }
    let anchor = Anchor::take(scroller);
    if window.try_update(|w| w.up()).unwrap_or(false) {
        after_render(move || anchor.restore(scroller));
        return;
    }
    let Some(cursor) = open.older.get_untracked() else { return };
    loading.set(true);
    spawn_local(async move {
        let result = api::timeline(open.id, record, Some(cursor)).await;
        loading.set(false);
        let Ok(page) = result else { return };
        let count = page.entries.len();
        let anchor = Anchor::take(scroller);
        open.entries.update(|entries| {
            entries.splice(0..0, page.entries);
        });
        open.older.set(page.older);
        window.update(|w| {
            w.prepended(count);
            w.up();
        });
        after_render(move || anchor.restore(scroller));
    });
}

/// The first visible row and its distance from the top, so a window move does not jump the view.
struct Anchor {
    key: Option<String>,
    offset: i32,
}

impl Anchor {
    fn take(scroller: NodeRef<Div>) -> Anchor {
        let Some(el) = scroller.get_untracked() else { return Anchor { key: None, offset: 0 } };
        let top = el.scroll_top();
        let rows = el.query_selector_all("[data-row]").ok();
        let mut found = Anchor { key: None, offset: 0 };
        if let Some(rows) = rows {
            for i in 0..rows.length() {
                let Some(row) = rows.item(i).and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) else {
                    continue;
                };
                if row.offset_top() + row.offset_height() > top {
                    found = Anchor { key: row.get_attribute("data-row"), offset: row.offset_top() - top };
                    break;
                }
            }
        }
        found
    }

    fn restore(&self, scroller: NodeRef<Div>) {
        let (Some(el), Some(key)) = (scroller.get_untracked(), &self.key) else { return };
        if let Ok(Some(row)) = el.query_selector(&format!("[data-row=\"{key}\"]"))
            && let Ok(row) = row.dyn_into::<web_sys::HtmlElement>()
        {
            el.set_scroll_top(row.offset_top() - self.offset);
        }
    }
}

/// Keeps the newest row in view when the timeline's box changes size (the wrap-up form taking the
/// composer's place after End, a window resized) while the agent was at the bottom.
#[derive(Clone, Copy)]
struct BottomFollower {
    at_bottom: StoredValue<bool>,
    /// The box's height when the agent's position was last taken: a scroll seen after the box changed
    /// but before the observer ran says nothing about where the agent is.
    height: StoredValue<i32>,
}

impl BottomFollower {
    fn new(scroller: NodeRef<Div>) -> BottomFollower {
        let follower = BottomFollower { at_bottom: StoredValue::new(true), height: StoredValue::new(0) };
        Effect::new(move |_| {
            let Some(el) = scroller.get() else { return };
            follower.height.set_value(el.client_height());
            let follow = Closure::<dyn Fn()>::new(move || {
                let Some(el) = scroller.get_untracked() else { return };
                if follower.at_bottom.try_get_value() == Some(true) {
                    el.set_scroll_top(el.scroll_height());
                }
                let _ = follower.height.try_set_value(el.client_height());
            });
            let Ok(observer) = web_sys::ResizeObserver::new(follow.as_ref().unchecked_ref()) else { return };
            observer.observe(&el);
            let held = send_wrapper::SendWrapper::new((observer, follow));
            on_cleanup(move || held.0.disconnect());
        });
        follower
    }

    /// The agent scrolled (or rows moved): whether they are at the bottom now.
    fn scrolled(self, el: &web_sys::HtmlDivElement) {
        if el.client_height() == self.height.get_value() {
            self.at_bottom
                .set_value(el.scroll_height() - el.scroll_top() - el.client_height() <= BOTTOM_SLACK_PX);
        }
    }
}

fn scroll_to_bottom(scroller: NodeRef<Div>) {
    if let Some(el) = scroller.get_untracked() {
        el.set_scroll_top(el.scroll_height());
    }
}

/// Runs `f` after the DOM has been updated and laid out.
fn after_render(f: impl FnOnce() + 'static) {
    request_animation_frame(f);
}

#[component]
fn Row(entry: TimelineEntry, separator: bool, current: i64) -> AnyView {
    let i18n = use_i18n();
    let is_current = entry.conversation_id == current;
    let started = entry.interaction_started_at;
    let at = entry.at;
    let direction = match entry.direction {
        Direction::Inbound => "inbound",
        Direction::Outbound => "outbound",
    };
    match entry.kind {
        EntryKind::Message => {}
        EntryKind::Interaction => {
            let current = entry.conversation_id == current;
            return view! {
                <li class=css::separator data-current=current.to_string() data-row=entry.key.to_string() data-kind="interaction" data-testid="timeline-separator">
                    <ChannelBadge channel=entry.channel />
                    // The interaction's queue.
                    <span><ConfiguredText text=entry.body /></span>
                    <time>{move || format::date_time(i18n.get_locale(), at)}</time>
                </li>
            }
            .into_any();
        }
        EntryKind::Recording => {
            let id = entry.id;
            return view! {
                <li class=css::note data-kind="recording" data-row=entry.key.to_string() data-testid="timeline-recording">
                    {lazy_view(move || crate::features::call::recording_player(id, at))}
                </li>
            }
            .into_any();
        }
        EntryKind::Note | EntryKind::CaseChange | EntryKind::Callback => {
            let kind = entry.kind.as_str();
            return view! {
                <li class=css::note data-kind=kind data-row=entry.key.to_string() data-testid=format!("timeline-{kind}")>
                    <span class=css::meta>
                        <span class=css::author>
                            {match entry.kind {
                                EntryKind::Note => t!(i18n, timeline.note).into_any(),
                                EntryKind::Callback => t!(i18n, timeline.callback).into_any(),
                                _ => t!(i18n, timeline.case_change).into_any(),
                            }}
                            " · "{entry.author}
                        </span>
                        <time>{move || format::date_time(i18n.get_locale(), at)}</time>
                    </span>
                    <p class=css::body>{entry.body}</p>
                </li>
            }
            .into_any();
        }
    }
    view! {
        {separator.then(|| view! {
            <li class=css::separator data-current=is_current.to_string() data-testid="timeline-separator">
                <ChannelBadge channel=entry.channel />
                <span>{if is_current { t!(i18n, timeline.current).into_any() } else { t!(i18n, timeline.earlier).into_any() }}</span>
                <time>{move || format::date_time(i18n.get_locale(), started)}</time>
            </li>
        })}
        <li class=css::message data-direction=direction data-row=entry.key.to_string() data-testid="timeline-message">
            <span class=css::meta>
                <span class=css::author>{entry.author}</span>
                <time>{move || format::time(i18n.get_locale(), at)}</time>
            </span>
            <p class=css::body>{entry.body}</p>
        </li>
    }
    .into_any()
}

/// Related records: which linked record the timeline follows.
#[component]
fn RecordSelector(
    related: RelatedRecords,
    shown: Option<RelatedRecord>,
    record: RwSignal<Option<RelatedRecord>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let options: Vec<(RelatedRecord, String)> = [
        (RelatedRecord::Contact, related.contact),
        (RelatedRecord::Account, related.account),
        (RelatedRecord::Case, related.case),
    ]
    .into_iter()
    .filter_map(|(r, name)| name.map(|n| (r, n)))
    .collect();
    (!options.is_empty()).then(|| view! {
        <label class=css::related>
            <span>{t!(i18n, timeline.related)}</span>
            <select data-testid="related-records" on:change=move |ev| record.set(RelatedRecord::parse(&event_target_value(&ev)))>
                {options.into_iter().map(|(r, name)| {
                    let label = match r {
                        RelatedRecord::Contact => t_string!(i18n, records.contact).to_string(),
                        RelatedRecord::Account => t_string!(i18n, records.account).to_string(),
                        RelatedRecord::Case => t_string!(i18n, case.title).to_string(),
                    };
                    view! { <option value=r.as_str() selected=shown == Some(r)>{format!("{label}: {name}")}</option> }
                }).collect_view()}
            </select>
        </label>
    })
}

/// A quick note on the record the timeline shows; it joins the timeline at once.
#[component]
fn QuickNote(open: OpenConversation, record: RelatedRecord, notes: Typed<RelatedRecord>) -> impl IntoView {
    let i18n = use_i18n();
    let body = move || notes.or(&record, "");
    let errors = FormErrors::default();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = untrack(body);
        if let Err(e) = validate_note("body", &text, true) {
            return errors.field(&e);
        }
        let entry_text = text.clone();
        spawn_local(async move {
            match records_api::add_note(open.id, &NewNote { record, body: text }).await {
                Ok(entry) => {
                    errors.clear();
                    notes.saved(&record, &entry_text);
                    open.entries.update(|e| e.push(entry));
                }
                Err(e) => errors.api(&e),
            }
        });
    };
    view! {
        <form class=css::quick_note data-testid="quick-note" on:submit=submit>
            <input type="text" name="body" data-testid="quick-note-input"
                placeholder=move || t_string!(i18n, timeline.note_placeholder).to_string()
                aria-label=move || t_string!(i18n, timeline.note_placeholder).to_string()
                prop:value=body on:input=move |ev| notes.set(record, event_target_value(&ev)) />
            <button type="submit" class="button" data-testid="quick-note-save">{t!(i18n, timeline.add_note)}</button>
            <FieldMessage errors field="body" />
            <FieldMessage errors field="" />
        </form>
    }
}

#[component]
fn PendingRow(key: String, body: String, state: PendingState) -> impl IntoView {
    let i18n = use_i18n();
    let open = use_open_conversation();
    let retry = move |_| super::composer::deliver(open, key.clone());
    let status = match state {
        PendingState::Sending => view! { <span role="status">{t!(i18n, composer.pending)}</span> }.into_any(),
        PendingState::Failed => view! {
            <span class=css::failed role="alert">{t!(i18n, composer.failed)}</span>
            <button class="button" on:click=retry>{t!(i18n, composer.retry)}</button>
        }
        .into_any(),
        PendingState::Ended => {
            view! { <span class=css::failed role="alert">{t!(i18n, composer.ended)}</span> }.into_any()
        }
        PendingState::Refused(reason) => view! {
            <span class=css::failed role="alert">{crate::components::form::reason_words(i18n, reason)}</span>
        }
        .into_any(),
    };
    view! {
        <li class=css::message data-direction="outbound" data-pending="true" data-testid="pending-message">
            <span class=css::meta>{status}</span>
            <p class=css::body>{body}</p>
        </li>
    }
}
