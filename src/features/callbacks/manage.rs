//! Manage callbacks: the customer's callbacks and the agent's personal ones, each with its window in
//! the customer's zone and the agent's, and Edit, Reschedule (a new window or the same time next day)
//! and Delete (confirmed) while its window has not started; the server refuses them after.

use std::sync::Arc;

use hovor_types::callback::{Callback, CallbackFailure, Reschedule, check_window};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::form::failure;
use super::strings::CallbackStrings;
use super::{Shared, css};
use crate::api::callbacks as api;
use crate::components::form::css as form_css;
use crate::components::strings::fill;
use crate::format::zones::{IntlZones, own_zone, window};
use crate::i18n::use_i18n;
use crate::state::clock::use_clock;
use crate::state::configured::ConfiguredText;
use crate::widgets::record::css as record;

/// What a row has open below it.
#[derive(Clone, Copy, PartialEq)]
enum Open {
    Reschedule,
    Delete,
}

#[component]
pub(super) fn ManageList(shared: Shared, s: Arc<CallbackStrings>) -> impl IntoView {
    let open = RwSignal::new(None::<(i64, Open)>);
    let rows = move || {
        let s = s.clone();
        shared.list.get().map(|list| match list {
            Ok(list) if list.is_empty() => {
                view! { <p class=record::muted data-testid="callbacks-none">{s.none.clone()}</p> }.into_any()
            }
            Ok(list) => view! {
                <ul class=record::card_list data-testid="callback-list">
                    {list.into_iter().map(|c| view! { <Row shared c s=s.clone() open /> }).collect_view()}
                </ul>
            }
            .into_any(),
            Err(_) => view! { <p class=record::error role="alert">{s.failed.clone()}</p> }.into_any(),
        })
    };
    view! { <div>{rows}</div> }
}

#[component]
fn Row(
    shared: Shared,
    c: Callback,
    s: Arc<CallbackStrings>,
    open: RwSignal<Option<(i64, Open)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let clock = use_clock();
    let id = c.id;
    let error = RwSignal::new(None::<String>);
    let locale = i18n.get_locale_untracked();
    let theirs = fill(
        &s.customer_time,
        &[("when", &window(locale, &c.time_zone, c.starts_at, c.ends_at)), ("zone", &c.time_zone)],
    );
    let own = own_zone();
    let yours =
        fill(&s.your_time, &[("when", &window(locale, &own, c.starts_at, c.ends_at)), ("zone", &own)]);
    // A memo: the clock ticks every second, the buttons change once, when the window starts.
    let changeable = {
        let c = c.clone();
        Memo::new(move |_| c.changeable(clock.get()))
    };
    // The answer to a change: the list reloads and says what happened; a refusal stays on the row.
    let done = {
        let s = s.clone();
        move |result: Result<Option<Callback>, crate::api::ApiError>, said: String| match result {
            Ok(_) => {
                let _ = open.try_set(None);
                let _ = shared.notice.try_set(Some(said));
                shared.list.refetch();
            }
            Err(e) => {
                let _ = error.try_set(Some(failure(i18n, &s, &e)));
            }
        }
    };
    let reschedule = {
        let s = s.clone();
        let done = done.clone();
        move |to: Reschedule| {
            let s = s.clone();
            let done = done.clone();
            spawn_local(async move {
                let result = api::reschedule(id, &to).await;
                let said = result.as_ref().map_or_else(
                    |_| String::new(),
                    |c| fill(&s.moved_to, &[("when", &window(locale, &c.time_zone, c.starts_at, c.ends_at))]),
                );
                done(result.map(Some), said);
            });
        }
    };
    let delete = {
        let done = done.clone();
        let said = s.deleted.clone();
        move || {
            let done = done.clone();
            let said = said.clone();
            spawn_local(async move { done(api::delete(id).await.map(|()| None), said) });
        }
    };
    let edit = {
        let c = c.clone();
        move || {
            shared.form.edit(&c);
            shared.tab.set("schedule");
        }
    };
    let assignee = c.assignee.as_ref().map(|a| fill(&s.personal_for, &[("name", &a.name)]));
    let s2 = s.clone();
    let actions = move || {
        let s = s2.clone();
        changeable.get().then(|| {
            let edit = edit.clone();
            view! {
                <div class=record::row_actions>
                    <button type="button" class="button" data-testid="callback-edit" on:click=move |_| edit()>{s.edit.clone()}</button>
                    <button type="button" class="button" data-testid="callback-reschedule"
                        aria-expanded=move || (open.get() == Some((id, Open::Reschedule))).to_string()
                        on:click=move |_| { error.set(None); open.set(Some((id, Open::Reschedule))); }
                    >{s.reschedule.clone()}</button>
                    <button type="button" class="button danger" data-testid="callback-delete"
                        on:click=move |_| { error.set(None); open.set(Some((id, Open::Delete))); }
                    >{s.delete.clone()}</button>
                </div>
            }
        })
    };
    let s3 = s.clone();
    let zone = c.time_zone.clone();
    let below = move || {
        let s = s3.clone();
        match open.get() {
            Some((row, Open::Reschedule)) if row == id => Some(
                view! { <RescheduleForm s zone=zone.clone() error reschedule=reschedule.clone() cancel=move || open.set(None) /> }
                    .into_any(),
            ),
            Some((row, Open::Delete)) if row == id => {
                let delete = delete.clone();
                Some(view! {
                    <div class=record::notice role="alertdialog" aria-label=s.confirm_delete.clone() data-testid="callback-confirm-delete">
                        <p>{s.confirm_delete.clone()}</p>
                        <div class=record::actions>
                            <button type="button" class="button danger" data-testid="callback-delete-confirm" on:click=move |_| delete()>{s.delete.clone()}</button>
                            <button type="button" class="button" on:click=move |_| open.set(None)>{s.cancel.clone()}</button>
                        </div>
                    </div>
                }.into_any())
            }
            _ => None,
        }
    };
    view! {
        <li class=record::card data-testid="callback" data-state=c.state.as_str()>
            <div class=css::head>
                <strong>{c.name.clone()}</strong>
                <span>{c.phone.clone()}</span>
                <span class=css::state>{s.state(c.state).to_owned()}</span>
            </div>
            <p class=css::window data-testid="callback-window">{theirs}<br />{yours}</p>
            <p class=css::meta>
                <ConfiguredText text=c.queue.clone() />
                {assignee.map(|a| format!(" · {a}"))}
                {(shared.conversation.is_some() && c.conversation_id == shared.conversation).then(|| format!(" · {}", s.from_conversation))}
            </p>
            {(!c.reason.is_empty()).then(|| view! { <p class=css::reason>{c.reason.clone()}</p> })}
            {c.failure.map(|failure| {
                let text = match failure {
                    CallbackFailure::NoAnswer => fill(&s.failure_no_answer, &[("attempts", &c.attempts.to_string())]),
                    CallbackFailure::WindowClosed => s.failure_window_closed.clone(),
                    CallbackFailure::Cancelled => s.failure_cancelled.clone(),
                };
                view! { <p class=record::error data-testid="callback-failure" data-failure=failure.as_str()>{text}</p> }
            })}
            {actions}
            {below}
            <p class=record::error role="alert">{move || error.get()}</p>
        </li>
    }
}

#[component]
fn RescheduleForm(
    s: Arc<CallbackStrings>,
    /// The callback's zone: the new window is read in it, and checked here as the server will.
    zone: String,
    error: RwSignal<Option<String>>,
    reschedule: impl Fn(Reschedule) + Clone + 'static,
    cancel: impl Fn() + Clone + 'static,
) -> impl IntoView {
    let (date, start, end) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let input = |label: String, value: RwSignal<String>, kind: &'static str, testid: &'static str| {
        view! {
            <label class=form_css::field>
                <span class=form_css::label>{label}</span>
                <input type=kind data-testid=testid prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
            </label>
        }
    };
    let i18n = use_i18n();
    let words = s.clone();
    let next_day = reschedule.clone();
    view! {
        <form
            class=record::form
            data-testid="callback-reschedule-form"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                let (date, start, end) = (date.get_untracked(), start.get_untracked(), end.get_untracked());
                let now = js_sys::Date::now() as i64;
                match check_window(&date, &start, &end, &zone, &IntlZones, now) {
                    Err(e) => error.set(Some(words.rule(i18n, &e.field, e.rule))),
                    Ok(_) => reschedule(Reschedule::At { date, start, end }),
                }
            }
        >
            <div class=record::inline_form>
                {input(s.date.clone(), date, "date", "reschedule-date")}
                {input(s.start.clone(), start, "time", "reschedule-start")}
                {input(s.end.clone(), end, "time", "reschedule-end")}
            </div>
            <div class=record::actions>
                <button type="submit" class="button primary" data-testid="reschedule-move">{s.move_to.clone()}</button>
                <button type="button" class="button" data-testid="reschedule-next-day" on:click=move |_| next_day(Reschedule::SameTimeNextDay)>{s.next_day.clone()}</button>
                <button type="button" class="button" on:click=move |_| cancel()>{s.cancel.clone()}</button>
            </div>
        </form>
    }
}
