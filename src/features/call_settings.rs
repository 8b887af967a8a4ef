//! The queue settings page (`/desk/calls`, administrators only): per queue, whether its calls are
//! recorded and how long an agent's Pause recording lasts, the call-associated variables its agents
//! read and edit (WBX CAD), its callbacks, whether its agents are told a supervisor monitors them, and
//! its post-chat survey. Rules are `hovor_types`' (voice, callback, feedback), checked here beside each field
//! and again by the server. Drawn from the `admin` chunk, which an agent fetches only by opening the
//! page's address (to be told it is for administrators).

use hovor_types::auth::Role;
use hovor_types::error::Rule;
use hovor_types::voice::{
    CallValueKind, CallVariable, QueueRecording, RECORDING_PAUSE_SECONDS, check_call_variables,
    check_queue_recording,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;
use crate::api::call_settings as api;
use crate::components::form::{api_text, rule_words};
use crate::components::lazy::{lazy_view, split_view};
use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::state::configured::ConfiguredText;
use crate::state::session::{SessionState, use_session};
use crate::widgets::record::css as record;
use leptos_i18n::I18nContext;

stylance::import_crate_style!(css, "src/features/call_settings.module.css");

mod callbacks;
mod feedback;
mod monitoring;
use callbacks::CallbacksForm;
use feedback::FeedbackForm;
use monitoring::MonitoringForm;

/// `/desk/calls`: the page for an administrator; anyone else is told why (the server refuses them too).
/// All of it in the `admin` chunk: the desk's start carries only the route.
#[component]
pub fn CallSettingsRoute() -> impl IntoView {
    lazy_view(call_settings_route)
}

split_view!(admin, fn call_settings_route() => view! { <CallSettingsGate /> });

#[component]
fn CallSettingsGate() -> impl IntoView {
    let i18n = use_i18n();
    match use_session().0.get_untracked() {
        SessionState::SignedIn(me) if me.role == Role::Admin => view! { <CallSettingsPage /> }.into_any(),
        _ => view! { <p class=record::error role="alert" data-testid="call-settings-forbidden">{t!(i18n, call_settings.admins_only)}</p> }
            .into_any(),
    }
}

#[component]
fn CallSettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let queues = LocalResource::new(api::queues);
    let chosen = RwSignal::new(None::<i64>);
    let options = move || {
        queues.get().and_then(Result::ok).map(|queues| {
            if chosen.get_untracked().is_none() {
                chosen.set(queues.iter().find(|q| q.entry_number.is_some()).or(queues.first()).map(|q| q.id));
            }
            queues
                .into_iter()
                .map(|q| {
                    let number = q.entry_number.map(|n| format!(" · {n}")).unwrap_or_default();
                    view! { <option value=q.id.to_string()><ConfiguredText text=q.name />{number}</option> }
                })
                .collect_view()
        })
    };
    view! {
        <main class=css::page data-testid="call-settings">
            <h2 class=record::page_title>{t!(i18n, call_settings.title)}</h2>
            <label class=css::field>
                <span>{t!(i18n, call_settings.queue)}</span>
                <select data-testid="call-settings-queue" prop:value=move || chosen.get().map(|id| id.to_string()).unwrap_or_default()
                    on:change=move |ev| chosen.set(event_target_value(&ev).parse().ok())>
                    {options}
                </select>
            </label>
            // Forms open afresh for each queue: nothing typed for one is saved to another.
            {move || chosen.get().map(|queue| view! {
                <div class=css::forms>
                    <RecordingForm queue />
                    <VariablesForm queue />
                    <CallbacksForm queue />
                    <MonitoringForm queue />
                    <FeedbackForm queue />
                </div>
            })}
        </main>
    }
}

/// What a save said: done, or why not.
pub(crate) fn said(i18n: I18nContext<Locale>, result: &Result<(), ApiError>) -> String {
    match result {
        Ok(()) => t_string!(i18n, call_settings.saved).to_string(),
        Err(e) => api_text(i18n, e, t_string!(i18n, call_settings.save_failed).to_string()),
    }
}

#[component]
fn RecordingForm(queue: i64) -> impl IntoView {
    let i18n = use_i18n();
    let stored = LocalResource::new(move || api::recording(queue));
    let record = RwSignal::new(false);
    let pause = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(r)) = stored.get() {
            record.set(r.record_calls);
            pause.set(r.pause_seconds.to_string());
        }
    });
    let invalid = move || {
        let (min, max) = (*RECORDING_PAUSE_SECONDS.start(), *RECORDING_PAUSE_SECONDS.end());
        t_string!(i18n, call_settings.pause_invalid, min = min, max = max).to_string()
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        status.set(None);
        let Ok(pause_seconds) = pause.get_untracked().trim().parse::<u32>() else {
            error.set(Some(invalid()));
            return;
        };
        let recording = QueueRecording { record_calls: record.get_untracked(), pause_seconds };
        if check_queue_recording(&recording).is_err() {
            error.set(Some(invalid()));
            return;
        }
        error.set(None);
        spawn_local(async move {
            let saved = api::save_recording(queue, &recording).await.map(|_| ());
            match &saved {
                Err(ApiError::Validation { .. }) => error.set(Some(invalid())),
                _ => status.set(Some(said(i18n, &saved))),
            }
        });
    };
    view! {
        // The rules speak beside their fields in the agent's language, not in the browser's bubble.
        <form class=record::form data-testid="recording-settings" novalidate on:submit=save>
            <h3>{t!(i18n, call_settings.recording_title)}</h3>
            <label class=record::check>
                <input type="checkbox" data-testid="record-calls" prop:checked=move || record.get()
                    on:change=move |ev| { record.set(event_target_checked(&ev)); status.set(None); } />
                <span>{t!(i18n, call_settings.record_calls)}</span>
            </label>
            <label class=css::field>
                <span>{t!(i18n, call_settings.pause_seconds)}</span>
                <input type="text" inputmode="numeric" autocomplete="off" data-testid="pause-seconds" aria-describedby="pause-seconds-error"
                    aria-invalid=move || error.with(Option::is_some).to_string()
                    prop:value=move || pause.get()
                    on:input=move |ev| { pause.set(event_target_value(&ev)); error.set(None); status.set(None); } />
                <span id="pause-seconds-error" class=record::error role="alert" data-testid="pause-seconds-error">{move || error.get()}</span>
            </label>
            <div class=record::actions>
                <button type="submit" class="button primary" data-testid="recording-save">{t!(i18n, call_settings.save)}</button>
                <span class=record::muted role="status" data-testid="recording-status">{move || status.get()}</span>
            </div>
        </form>
    }
}

/// One variable being edited, each field its own signal so typing redraws only that field.
#[derive(Clone, Copy)]
struct Row {
    key: u64,
    name: RwSignal<String>,
    label: RwSignal<String>,
    kind: RwSignal<CallValueKind>,
    editable: RwSignal<bool>,
    secure: RwSignal<bool>,
}

impl Row {
    fn new(key: u64, v: CallVariable) -> Row {
        Row {
            key,
            name: RwSignal::new(v.name),
            label: RwSignal::new(v.label),
            kind: RwSignal::new(v.kind),
            editable: RwSignal::new(v.editable),
            secure: RwSignal::new(v.secure),
        }
    }

    fn variable(self, order: usize) -> CallVariable {
        CallVariable {
            name: self.name.get_untracked().trim().to_owned(),
            label: self.label.get_untracked(),
            order: i32::try_from(order).unwrap_or(i32::MAX),
            kind: self.kind.get_untracked(),
            editable: self.editable.get_untracked(),
            secure: self.secure.get_untracked(),
        }
    }
}

#[component]
fn VariablesForm(queue: i64) -> impl IntoView {
    let i18n = use_i18n();
    let stored = LocalResource::new(move || api::variables(queue));
    let rows = RwSignal::new(Vec::<Row>::new());
    let next_key = StoredValue::new(0u64);
    let new_row = move |v: CallVariable| {
        next_key.update_value(|k| *k += 1);
        Row::new(next_key.get_value(), v)
    };
    // The broken field (`variables[2].name`) and what is wrong with it.
    let error = RwSignal::new(None::<(String, String)>);
    let status = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(variables)) = stored.get() {
            rows.set(variables.into_iter().map(new_row).collect());
        }
    });
    let position = move |key: u64| rows.with(|rs| rs.iter().position(|r| r.key == key)).unwrap_or(0);
    let is_last = move |key: u64| rows.with(|rs| rs.last().is_some_and(|r| r.key == key));
    let field_error = move |key: u64, field: &'static str| {
        move || {
            let place = format!("variables[{}].{field}", position(key));
            error.with(|e| e.as_ref().filter(|(f, _)| *f == place).map(|(_, m)| m.clone()))
        }
    };
    let changed = move || {
        error.set(None);
        status.set(None);
    };
    let words = move |rule: Rule, field: &str| match (rule, field.ends_with(".name")) {
        (Rule::Malformed, true) => t_string!(i18n, call_settings.name_malformed).to_string(),
        (Rule::Taken, true) => t_string!(i18n, call_settings.name_taken).to_string(),
        (rule, _) => rule_words(i18n, rule),
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        status.set(None);
        let variables: Vec<CallVariable> =
            rows.get_untracked().into_iter().enumerate().map(|(i, r)| r.variable(i)).collect();
        if let Err(e) = check_call_variables(&variables) {
            error.set(Some((e.field.to_string(), words(e.rule, &e.field))));
            return;
        }
        spawn_local(async move {
            match api::save_variables(queue, variables).await {
                Ok(saved) => {
                    rows.set(saved.into_iter().map(new_row).collect());
                    status.set(Some(said(i18n, &Ok(()))));
                }
                Err(ApiError::Validation { field: Some(field), rule: Some(rule), .. }) => {
                    let message = words(rule, &field);
                    error.set(Some((field, message)));
                }
                Err(e) => status.set(Some(said(i18n, &Err(e)))),
            }
        });
    };
    let add = move |_| {
        changed();
        let blank = CallVariable {
            name: String::new(),
            label: String::new(),
            order: 0,
            kind: CallValueKind::Text,
            editable: true,
            secure: false,
        };
        rows.update(|rs| rs.push(new_row(blank)));
    };
    let shift = move |key: u64, by: isize| {
        changed();
        rows.update(|rs| {
            let Some(at) = rs.iter().position(|r| r.key == key) else { return };
            let to = at.checked_add_signed(by).filter(|&to| to < rs.len());
            if let Some(to) = to {
                rs.swap(at, to);
            }
        });
    };
    view! {
        <form class=record::form data-testid="variable-settings" on:submit=save>
            <h3>{t!(i18n, call_settings.variables_title)}</h3>
            <p class=record::muted>{t!(i18n, call_settings.variables_hint)}</p>
            <Show when=move || rows.with(Vec::is_empty)>
                <p class=record::muted data-testid="variables-none">{t!(i18n, call_settings.variables_none)}</p>
            </Show>
            <ol class=css::variables>
                <For each=move || rows.get() key=|r| r.key let(row)>
                    <li class=css::variable data-testid="variable-row">
                        <label class=css::field>
                            <span>{t!(i18n, call_settings.name)}</span>
                            <input data-testid="variable-name" autocomplete="off" spellcheck="false"
                                aria-invalid=move || field_error(row.key, "name")().is_some().to_string()
                                prop:value=move || row.name.get() on:input=move |ev| { row.name.set(event_target_value(&ev)); changed(); } />
                            <span class=record::error role="alert" data-testid="variable-name-error">{field_error(row.key, "name")}</span>
                        </label>
                        <label class=css::field>
                            <span>{t!(i18n, call_settings.label)}</span>
                            <input data-testid="variable-label" autocomplete="off"
                                aria-invalid=move || field_error(row.key, "label")().is_some().to_string()
                                prop:value=move || row.label.get() on:input=move |ev| { row.label.set(event_target_value(&ev)); changed(); } />
                            <span class=record::error role="alert" data-testid="variable-label-error">{field_error(row.key, "label")}</span>
                        </label>
                        <label class=css::field>
                            <span>{t!(i18n, call_settings.kind)}</span>
                            <select data-testid="variable-kind" prop:value=move || row.kind.get().as_str()
                                on:change=move |ev| { if let Some(kind) = CallValueKind::parse(&event_target_value(&ev)) { row.kind.set(kind); changed(); } }>
                                <option value=CallValueKind::Text.as_str()>{t!(i18n, call_settings.kind_text)}</option>
                                <option value=CallValueKind::DateTime.as_str()>{t!(i18n, call_settings.kind_date_time)}</option>
                            </select>
                        </label>
                        <label class=record::check>
                            <input type="checkbox" data-testid="variable-editable" prop:checked=move || row.editable.get()
                                on:change=move |ev| { row.editable.set(event_target_checked(&ev)); changed(); } />
                            <span>{t!(i18n, call_settings.editable)}</span>
                        </label>
                        <label class=record::check>
                            <input type="checkbox" data-testid="variable-secure" prop:checked=move || row.secure.get()
                                on:change=move |ev| { row.secure.set(event_target_checked(&ev)); changed(); } />
                            <span>{t!(i18n, call_settings.secure)}</span>
                        </label>
                        <span class=css::row_actions>
                            <button type="button" class="button" data-testid="variable-up" disabled=move || position(row.key) == 0
                                aria-label=move || t_string!(i18n, call_settings.move_up).to_string() on:click=move |_| shift(row.key, -1)>"↑"</button>
                            <button type="button" class="button" data-testid="variable-down" disabled=move || is_last(row.key)
                                aria-label=move || t_string!(i18n, call_settings.move_down).to_string() on:click=move |_| shift(row.key, 1)>"↓"</button>
                            <button type="button" class="button" data-testid="variable-remove"
                                on:click=move |_| { changed(); rows.update(|rs| rs.retain(|r| r.key != row.key)); }>{t!(i18n, call_settings.remove)}</button>
                        </span>
                    </li>
                </For>
            </ol>
            <p class=record::error role="alert" data-testid="variables-error">
                {move || error.with(|e| e.as_ref().filter(|(f, _)| f == "variables").map(|(_, m)| m.clone()))}
            </p>
            <div class=record::actions>
                <button type="button" class="button" data-testid="variable-add" on:click=add>{t!(i18n, call_settings.add)}</button>
                <button type="submit" class="button primary" data-testid="variables-save">{t!(i18n, call_settings.save)}</button>
                <span class=record::muted role="status" data-testid="variables-status">{move || status.get()}</span>
            </div>
        </form>
    }
}
