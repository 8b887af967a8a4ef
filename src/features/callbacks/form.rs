//! Schedule callback: phone, name, date and "Call between", the customer's zone, queue, Assign to and
//! reason, checked by `hovor_types::callback` here (errors beside each field) and again by the server.
//! The window is shown in the customer's zone and the agent's side by side as it is typed.

use std::sync::Arc;

use hovor_types::callback::{Callback, CallbackChoices, CallbackRequest, check_callback, check_window};
use hovor_types::error::FieldError;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::strings::CallbackStrings;
use super::{Shared, css};
use crate::api::ApiError;
use crate::api::callbacks as api;
use crate::components::form::{FieldMessage, FormErrors, api_text, css as form_css};
use crate::components::strings::fill;
use crate::format::zones::{IntlZones, all_zones, own_zone, window};
use crate::i18n::use_i18n;
use crate::state::configured::use_configured;
use crate::widgets::record::css as record;

/// The form's values, kept while the agent switches tabs or language.
#[derive(Clone, Copy)]
pub struct Form {
    phone: RwSignal<String>,
    name: RwSignal<String>,
    date: RwSignal<String>,
    start: RwSignal<String>,
    end: RwSignal<String>,
    time_zone: RwSignal<String>,
    queue: RwSignal<Option<i64>>,
    assignee: RwSignal<Option<i64>>,
    reason: RwSignal<String>,
    /// The callback being edited, if the form is an edit.
    pub editing: RwSignal<Option<i64>>,
    choices: LocalResource<Result<CallbackChoices, ApiError>>,
    errors: FormErrors,
}

impl Form {
    pub fn new(conversation: Option<i64>) -> Form {
        Form {
            phone: RwSignal::new(String::new()),
            name: RwSignal::new(String::new()),
            date: RwSignal::new(String::new()),
            start: RwSignal::new(String::new()),
            end: RwSignal::new(String::new()),
            time_zone: RwSignal::new(String::new()),
            queue: RwSignal::new(None),
            assignee: RwSignal::new(None),
            reason: RwSignal::new(String::new()),
            editing: RwSignal::new(None),
            choices: LocalResource::new(move || api::choices(conversation)),
            errors: FormErrors::default(),
        }
    }

    fn request(self, conversation: Option<i64>) -> CallbackRequest {
        CallbackRequest {
            phone: self.phone.get_untracked(),
            name: self.name.get_untracked(),
            date: self.date.get_untracked(),
            start: self.start.get_untracked(),
            end: self.end.get_untracked(),
            time_zone: self.time_zone.get_untracked(),
            queue_id: self.queue.get_untracked(),
            reason: self.reason.get_untracked(),
            assignee_id: self.assignee.get_untracked(),
            contact_id: None,
            conversation_id: conversation,
            // The default; an edit keeps what the API set.
            priority: None,
        }
    }

    /// Fills the form with a callback to edit it.
    pub fn edit(self, c: &Callback) {
        let r = c.as_request();
        self.phone.set(r.phone);
        self.name.set(r.name);
        self.date.set(r.date);
        self.start.set(r.start);
        self.end.set(r.end);
        self.time_zone.set(r.time_zone);
        self.queue.set(r.queue_id);
        self.assignee.set(r.assignee_id);
        self.reason.set(r.reason);
        self.errors.clear();
        self.editing.set(Some(c.id));
    }

    /// After a save: the customer stays, the window and reason go.
    fn clear_window(self) {
        for value in [self.date, self.start, self.end, self.reason] {
            value.set(String::new());
        }
        self.editing.set(None);
    }

    /// The customer's record fills what the agent has not typed.
    fn take_defaults(self, choices: &CallbackChoices) {
        let fill = |value: RwSignal<String>, default: &Option<String>| {
            if value.get_untracked().is_empty() {
                value.set(default.clone().unwrap_or_default());
            }
        };
        fill(self.phone, &choices.phone);
        fill(self.name, &choices.name);
        fill(self.time_zone, &choices.time_zone.clone().or_else(|| Some(own_zone())));
        if self.queue.get_untracked().is_none() {
            self.queue.set(choices.queues.first().map(|q| q.id));
        }
    }
}

/// The input's id, so an error can focus it.
fn input_id(field: &str) -> String {
    format!("callback-{field}")
}

fn focus(field: &str) {
    if let Some(el) = document().get_element_by_id(&input_id(field)) {
        let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(el).focus();
    }
}

#[component]
pub(super) fn ScheduleForm(shared: Shared, s: Arc<CallbackStrings>) -> impl IntoView {
    let i18n = use_i18n();
    let form = shared.form;
    let errors = form.errors;
    let busy = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(choices)) = form.choices.get() {
            form.take_defaults(&choices);
        }
    });
    let submit = {
        let s = s.clone();
        move || {
            let request = form.request(shared.conversation);
            if let Err(e) = check_callback(&request, &IntlZones, js_sys::Date::now() as i64) {
                show(errors, &s, i18n, &e);
                return;
            }
            errors.clear();
            busy.set(true);
            let editing = form.editing.get_untracked();
            let s = s.clone();
            let failed = s.failed.clone();
            spawn_local(async move {
                let result = match editing {
                    Some(id) => api::edit(id, &request).await,
                    None => api::create(&request).await,
                };
                let _ = busy.try_set(false);
                match result {
                    Ok(saved) => {
                        let when = window(
                            i18n.get_locale_untracked(),
                            &saved.time_zone,
                            saved.starts_at,
                            saved.ends_at,
                        );
                        let text = if editing.is_some() {
                            s.saved.clone()
                        } else {
                            fill(&s.scheduled_for, &[("when", &when)])
                        };
                        let _ = shared.notice.try_set(Some(text));
                        form.clear_window();
                        shared.list.refetch();
                        let _ = shared.tab.try_set("manage");
                    }
                    Err(ApiError::Validation { field: Some(field), rule: Some(rule), .. }) => {
                        let message = s.rule(i18n, &field, rule);
                        errors.show(&field, message);
                        focus(&field);
                    }
                    Err(e) => errors.answer(i18n, &e, failed),
                }
            });
        }
    };
    let queues = move || form.choices.get().and_then(Result::ok).map(|c| c.queues).unwrap_or_default();
    let configured = use_configured();
    let queue_options = move || {
        queues()
            .into_iter()
            .map(|q| {
                let selected = move || form.queue.get() == Some(q.id);
                view! { <option value=q.id.to_string() selected=selected>{configured.text(&q.name)}</option> }
            })
            .collect_view()
    };
    let agent_options = move || {
        let chosen = form.queue.get();
        queues()
            .into_iter()
            .filter(|q| Some(q.id) == chosen)
            .flat_map(|q| q.agents)
            .map(|a| {
                let selected = move || form.assignee.get() == Some(a.id);
                view! { <option value=a.id.to_string() selected=selected>{a.name}</option> }
            })
            .collect_view()
    };
    let zones = all_zones();
    // The window as typed, in the customer's zone and the agent's, once it reads.
    let preview = {
        let s = s.clone();
        move || {
            let zone = form.time_zone.get();
            let (date, start, end) = (form.date.get(), form.start.get(), form.end.get());
            let now = js_sys::Date::now() as i64;
            let (_, starts_at, ends_at) = check_window(&date, &start, &end, &zone, &IntlZones, now).ok()?;
            let locale = i18n.get_locale();
            let own = own_zone();
            let theirs = fill(
                &s.customer_time,
                &[("when", &window(locale, &zone, starts_at, ends_at)), ("zone", &zone)],
            );
            let yours =
                fill(&s.your_time, &[("when", &window(locale, &own, starts_at, ends_at)), ("zone", &own)]);
            Some(view! {
                <p class=css::window data-testid="callback-preview">{theirs}<br />{yours}</p>
            })
        }
    };
    let text = |field: &'static str, label: String, value: RwSignal<String>, kind: &'static str| {
        let invalid = errors.message(field);
        view! {
            <label class=form_css::field>
                <span class=form_css::label>{label}</span>
                <input
                    id=input_id(field)
                    type=kind
                    name=field
                    data-testid=input_id(field)
                    prop:value=move || value.get()
                    aria-invalid=move || invalid.with(Option::is_some).to_string()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
                <FieldMessage errors field />
            </label>
        }
    };
    let zone_invalid = errors.message("time_zone");
    let cancel_label = s.cancel.clone();
    let save_label = s.save.clone();
    let schedule_label = s.schedule.clone();
    let editing_label = s.editing.clone();
    let no_queue = s.no_queue.clone();
    view! {
        <form
            class=record::form
            data-testid="callback-form"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                submit();
            }
        >
            {move || form.editing.get().map(|_| view! { <p class=record::muted>{editing_label.clone()}</p> })}
            {move || {
                let none = form.choices.get().and_then(Result::ok).is_some_and(|c| c.queues.is_empty());
                none.then(|| view! { <p class=record::notice data-testid="callback-no-queue">{no_queue.clone()}</p> })
            }}
            <div class=record::inline_form>
                {text("phone", s.phone.clone(), form.phone, "tel")}
                {text("name", s.name.clone(), form.name, "text")}
            </div>
            // "Date [ ] Call between [ ] and [ ]", one row.
            <div class=record::inline_form>
                {text("date", s.date.clone(), form.date, "date")}
                {text("start", s.start.clone(), form.start, "time")}
                {text("end", s.end.clone(), form.end, "time")}
            </div>
            <label class=form_css::field>
                <span class=form_css::label>{s.time_zone.clone()}</span>
                <input
                    id=input_id("time_zone")
                    name="time_zone"
                    list="callback-zones"
                    data-testid="callback-time_zone"
                    autocomplete="off"
                    prop:value=move || form.time_zone.get()
                    aria-invalid=move || zone_invalid.with(Option::is_some).to_string()
                    on:input=move |ev| form.time_zone.set(event_target_value(&ev))
                />
                <datalist id="callback-zones">
                    {zones.into_iter().map(|z| view! { <option value=z></option> }).collect_view()}
                </datalist>
                <FieldMessage errors field="time_zone" />
            </label>
            {preview}
            <div class=record::inline_form>
                <label class=form_css::field>
                    <span class=form_css::label>{s.queue.clone()}</span>
                    <select
                        id=input_id("queue_id")
                        data-testid="callback-queue"
                        on:change=move |ev| {
                            form.queue.set(event_target_value(&ev).parse().ok());
                            form.assignee.set(None);
                        }
                    >
                        {queue_options}
                    </select>
                    <FieldMessage errors field="queue_id" />
                </label>
                <label class=form_css::field>
                    <span class=form_css::label>{s.assign_to.clone()}</span>
                    <select
                        id=input_id("assignee_id")
                        data-testid="callback-assignee"
                        on:change=move |ev| form.assignee.set(event_target_value(&ev).parse().ok())
                    >
                        <option value="" selected=move || form.assignee.get().is_none()>{s.anyone.clone()}</option>
                        {agent_options}
                    </select>
                    <FieldMessage errors field="assignee_id" />
                </label>
            </div>
            <label class=form_css::field>
                <span class=form_css::label>{s.reason.clone()}</span>
                <textarea
                    id=input_id("reason")
                    name="reason"
                    rows="2"
                    data-testid="callback-reason"
                    prop:value=move || form.reason.get()
                    on:input=move |ev| form.reason.set(event_target_value(&ev))
                ></textarea>
                <FieldMessage errors field="reason" />
            </label>
            <FieldMessage errors field="" />
            <div class=record::actions>
                <button type="submit" class="button primary" data-testid="callback-submit" disabled=move || busy.get()>
                    {move || if form.editing.get().is_some() { save_label.clone() } else { schedule_label.clone() }}
                </button>
                {move || form.editing.get().map(|_| {
                    let label = cancel_label.clone();
                    view! {
                        <button type="button" class="button" on:click=move |_| form.clear_window()>{label}</button>
                    }
                })}
            </div>
        </form>
    }
}

/// A broken rule beside its field (focused), in the agent's language.
fn show(
    errors: FormErrors,
    s: &CallbackStrings,
    i18n: leptos_i18n::I18nContext<crate::i18n::Locale>,
    e: &FieldError,
) {
    errors.show(&e.field, s.rule(i18n, &e.field, e.rule));
    focus(&e.field);
}

/// A failed request from the list, in words.
pub(super) fn failure(
    i18n: leptos_i18n::I18nContext<crate::i18n::Locale>,
    s: &CallbackStrings,
    e: &ApiError,
) -> String {
    match e {
        ApiError::Validation { field, rule: Some(rule), .. } => {
            s.rule(i18n, field.as_deref().unwrap_or(""), *rule)
        }
        e => api_text(i18n, e, s.failed.clone()),
    }
}
