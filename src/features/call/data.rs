//! The call's data (WBX CAD variables): the values the queue keeps on a call, edited only where the
//! queue allows, secure ones masked until the agent reveals them. Save stores the changed values, each
//! on the version it was read at: when someone else saved first, theirs is shown and the agent is told.
//! Retrieve brings back the saved values.

use std::collections::HashMap;

use hovor_types::error::Reason;
use hovor_types::voice::{CallValue, SECURE_MASK, check_call_value};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::css;
use crate::api::ApiError;
use crate::api::voice as voice_api;
use crate::components::form::{api_text, rule_words};
use crate::components::icon::{Glyph, Icon};
use crate::i18n::{t, t_string, use_i18n};
use crate::state::configured::ConfiguredText;

#[component]
pub fn CallData(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let saved = RwSignal::new(None::<Vec<CallValue>>);
    // What the agent typed, by variable; messages beside each variable.
    let drafts = RwSignal::new(HashMap::<String, String>::new());
    let notes = RwSignal::new(HashMap::<String, String>::new());
    let busy = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let retrieve = move || {
        busy.set(true);
        spawn_local(async move {
            match voice_api::call_data(id).await {
                Ok(values) => {
                    drafts.set(values.iter().map(|v| (v.variable.name.clone(), v.value.clone())).collect());
                    notes.set(HashMap::new());
                    saved.set(Some(values));
                    failed.set(false);
                }
                Err(_) => failed.set(true),
            }
            busy.set(false);
        });
    };
    retrieve();
    let keep = move |value: CallValue| {
        drafts.update(|d| drop(d.insert(value.variable.name.clone(), value.value.clone())));
        saved.update(|s| {
            if let Some(old) = s.iter_mut().flatten().find(|v| v.variable.name == value.variable.name) {
                *old = value;
            }
        });
    };
    let save = move || {
        let changed: Vec<(CallValue, String)> = saved.with_untracked(|s| {
            s.iter()
                .flatten()
                .filter(|v| v.variable.editable)
                .filter_map(|v| {
                    let draft = drafts.with_untracked(|d| d.get(&v.variable.name).cloned())?;
                    (draft != v.value).then(|| (v.clone(), draft))
                })
                .collect()
        });
        notes.set(HashMap::new());
        busy.set(true);
        let failed_text = t_string!(i18n, call_data.save_failed).to_string();
        spawn_local(async move {
            for (value, draft) in changed {
                let name = value.variable.name.clone();
                // The same rules the server applies, said beside the field before anything is sent.
                if let Err(e) = check_call_value(value.variable.kind, &draft) {
                    notes.update(|n| drop(n.insert(name, rule_words(i18n, e.rule))));
                    continue;
                }
                match voice_api::save_call_value(id, &name, &draft, value.version).await {
                    Ok(now) => keep(now),
                    // Someone saved first: theirs is shown, and the agent is told.
                    Err(ApiError::Refused(Reason::SavedFirst)) => {
                        if let Some(now) = voice_api::call_data(id)
                            .await
                            .ok()
                            .and_then(|values| values.into_iter().find(|v| v.variable.name == name))
                        {
                            keep(now);
                        }
                        let told = t_string!(i18n, conflict.saved_first).to_string();
                        notes.update(|n| drop(n.insert(name, told)));
                    }
                    Err(e) => notes.update(|n| drop(n.insert(name, api_text(i18n, &e, failed_text.clone())))),
                }
            }
            busy.set(false);
        });
    };
    let reveal = move |name: String| {
        spawn_local(async move {
            match voice_api::reveal_call_value(id, &name).await {
                Ok(value) => keep(value),
                Err(e) => {
                    let text = api_text(i18n, &e, t_string!(i18n, call_data.save_failed).to_string());
                    notes.update(|n| drop(n.insert(name, text)));
                }
            }
        });
    };
    let rows = move || {
        saved.get().unwrap_or_default().into_iter().map(move |value| {
            let name = value.variable.name.clone();
            let input_id = format!("call-data-{name}");
            let masked = value.variable.secure && value.value == SECURE_MASK;
            let read_only = !value.variable.editable || masked;
            let (for_draft, for_input, for_note, for_reveal) = (name.clone(), name.clone(), name.clone(), name.clone());
            let note_id = format!("{input_id}-note");
            view! {
                <div class=css::datum data-testid="call-datum" data-name=name.clone()>
                    <label for=input_id.clone()>
                        {value.variable.secure.then(|| view! {
                            <span title=move || t_string!(i18n, call_data.secure).to_string()><Icon glyph=Glyph::Lock /></span>
                        })}
                        <ConfiguredText text=value.variable.label.clone() />
                    </label>
                    <div class=css::datum_value>
                        <input id=input_id type="text" readonly=read_only
                            aria-describedby=note_id.clone()
                            placeholder=(value.variable.kind == hovor_types::voice::CallValueKind::DateTime).then_some("2026-12-05T14:30:00+01:00")
                            prop:value=move || drafts.with(|d| d.get(&for_draft).cloned().unwrap_or_default())
                            on:input=move |ev| drafts.update(|d| drop(d.insert(for_input.clone(), event_target_value(&ev)))) />
                        {masked.then(|| view! {
                            <button type="button" class="button quiet" data-testid="call-data-reveal"
                                on:click=move |_| reveal(for_reveal.clone())>{t!(i18n, call_data.reveal)}</button>
                        })}
                    </div>
                    <p id=note_id class=css::datum_note role="status" data-testid="call-data-note">
                        {move || notes.with(|n| n.get(&for_note).cloned())}
                    </p>
                </div>
            }
        }).collect_view()
    };
    view! {
        <section class=css::data data-testid="call-data" aria-label=move || t_string!(i18n, call_data.title).to_string()>
            <h3 class=css::data_title>{t!(i18n, call_data.title)}</h3>
            {move || failed.get().then(|| view! { <p class=css::problem role="alert">{t!(i18n, call_data.load_failed)}</p> })}
            {rows}
            <div class=css::controls>
                <button type="button" class="button primary" data-testid="call-data-save" disabled=move || busy.get()
                    on:click=move |_| save()>{t!(i18n, call_data.save)}</button>
                <button type="button" class="button" data-testid="call-data-retrieve" disabled=move || busy.get()
                    on:click=move |_| retrieve()>{t!(i18n, call_data.retrieve)}</button>
            </div>
        </section>
    }
}
