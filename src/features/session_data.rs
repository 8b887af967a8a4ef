//! The session pane (MLU client card): tags, the operator note, parameters, custom data and the
//! read-only attached data of the conversation. Everything stays editable after the conversation ends.

use hovor_types::conversation::KeyValue;
use hovor_types::session_data::{
    AddTag, CustomDataEdit, OperatorNote, OperatorNoteEdit, Parameter, ParameterEdit, SessionData, Tag,
    TagSource, validate_custom_data, validate_note, validate_parameter, validate_tag_name,
};
use leptos::prelude::*;

use crate::components::lazy::{lazy_view, split_view};
use leptos::task::spawn_local;

use crate::api::ApiError;
use crate::api::client::Encoded;
use crate::api::records as api;
use crate::components::form::{FieldMessage, FormErrors, TextField, rule_text};
use crate::components::pane::{decoded, resource_pane};
use crate::features::records::history::key_values;
use crate::i18n::{t, t_string, use_i18n};
use crate::state::live::use_live;
use crate::widgets::audit::AuditLog;
use crate::widgets::chips::TagChip;
use crate::widgets::versioned::{ConflictNotice, Difference, VersionedSave};

use crate::components::form::css as form_css;
use crate::state::configured::{ConfiguredText, use_configured};
use crate::widgets::record::css;

#[component]
pub fn SessionPanel(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    // Nothing here depends on the linked records: a change of contact or case leaves what is being
    // typed in the pane alone.
    let data = LocalResource::new(move || api::session(id));
    let render = move |d: Encoded<SessionData>| lazy_view(move || session_view(id, d.clone()));
    resource_pane(ViewFn::from(move || t!(i18n, session.title)), "session-data", data, render)
}

#[component]
fn SessionView(id: i64, d: SessionData) -> impl IntoView {
    let i18n = use_i18n();
    let attached = d.attached_data.clone();
    let live = use_live();
    view! {
        <Tags id tags=d.tags company=d.company_tags recent=d.recent_tags />
        <OperatorNoteEditor id note=d.operator_note />
        <Parameters id parameters=d.parameters />
        <CustomData id values=d.custom_data version=d.custom_data_version />
        <AuditLog record="conversations" id=Signal::derive(move || id) version=Signal::derive(move || live.tags.with(|t| t.get(&id).map_or(0, |t| t.len() as i64))) />
        {attached.map(|values| view! {
            <h3 class=css::subhead>{t!(i18n, records.tab_attached)}</h3>
            {if values.is_empty() {
                view! { <p class=css::muted>{t!(i18n, session.no_attached)}</p> }.into_any()
            } else {
                key_values(&values, "attached-data")
            }}
        })}
    }
}

/// Tags three ways: a new one typed and confirmed with Enter, a company tag from the list, or one of
/// the agent's recent tags (dotted, with "+"). The tags announced by the stream win over the loaded ones.
#[component]
fn Tags(id: i64, tags: Vec<Tag>, company: Vec<Tag>, recent: Vec<Tag>) -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    let loaded = RwSignal::new(tags);
    let current = move || live.tags.with(|t| t.get(&id).cloned()).unwrap_or_else(|| loaded.get());
    let typed = RwSignal::new(String::new());
    let errors = FormErrors::default();
    let configured = use_configured();
    // A company tag is found by its name as configured or as the agent's language says it.
    let company_names: Vec<String> = company.iter().map(|t| t.name.clone()).collect();
    let company_tag = move |typed: &str| {
        let typed = typed.to_lowercase();
        company_names
            .iter()
            .find(|name| name.to_lowercase() == typed || configured.text(name).to_lowercase() == typed)
            .cloned()
    };
    let apply = move |result: Result<Vec<Tag>, ApiError>| match result {
        Ok(tags) => {
            errors.clear();
            live.tags.update(|t| {
                t.insert(id, tags.clone());
            });
            loaded.set(tags);
        }
        Err(e) => errors.api(&e),
    };
    let add = move |name: String, source: TagSource| {
        spawn_local(async move { apply(api::add_tag(id, &AddTag { name, source }).await) });
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() != "Enter" {
            return;
        }
        ev.prevent_default();
        let value = typed.get_untracked();
        let name = match validate_tag_name(&value) {
            Ok(name) => name.to_owned(),
            Err(e) => return errors.field(&e),
        };
        typed.set(String::new());
        match company_tag(&name) {
            Some(company) => add(company, TagSource::Company),
            None => add(name, TagSource::Typed),
        }
    };
    let remove = move |tag: i64| spawn_local(async move { apply(api::remove_tag(id, tag).await) });
    let recent = StoredValue::new(recent);
    let recent_view = move || {
        let on = current();
        recent
            .get_value()
            .into_iter()
            .filter(|r| !on.iter().any(|t| t.id == r.id))
            .map(|tag| {
                let name = tag.name.clone();
                view! {
                    <button class=css::recent_tag data-testid="recent-tag" data-tag=tag.name.clone()
                        on:click=move |_| add(name.clone(), TagSource::Recent)>
                        "+ "<ConfiguredText text=tag.name.clone() />
                    </button>
                }
            })
            .collect_view()
    };
    view! {
        <h3 class=css::subhead>{t!(i18n, session.tags)}</h3>
        <ul class=css::tag_list data-testid="conversation-tags">
            {move || current().into_iter().map(|tag| {
                let tag_id = tag.id;
                let name = tag.name.clone();
                view! {
                    <li class=css::tag_item>
                        <TagChip tag />
                        <button class=css::tag_remove data-testid="remove-tag"
                            aria-label=move || t_string!(i18n, session.remove_tag, name = name.clone()).to_string()
                            on:click=move |_| remove(tag_id)>"×"</button>
                    </li>
                }
            }).collect_view()}
        </ul>
        <label class=form_css::field>
            <span class=form_css::label>{t!(i18n, session.add_tag)}</span>
            <input type="text" list=format!("company-tags-{id}") data-testid="tag-input" name="name"
                prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev)) on:keydown=on_key />
            <datalist id=format!("company-tags-{id}")>
                {company.into_iter().map(|t| view! { <option value=t.name.clone() label=move || configured.text(&t.name) /> }).collect_view()}
            </datalist>
            <FieldMessage errors field="name" />
        </label>
        <div class=css::recent_tags>{recent_view}</div>
        <FieldMessage errors field="" />
    }
}

/// The note the next agent sees after a transfer.
#[component]
fn OperatorNoteEditor(id: i64, note: OperatorNote) -> impl IntoView {
    let i18n = use_i18n();
    let saved = RwSignal::new(note.clone());
    let body = RwSignal::new(note.body);
    let versioned = VersionedSave::<OperatorNote>::default();
    let VersionedSave { errors, conflict, .. } = versioned;
    let save = move |version: i64| {
        let text = body.get_untracked();
        if let Err(e) = validate_note("body", &text, false) {
            return errors.field(&e);
        }
        let edit = OperatorNoteEdit { version: Some(version), body: text };
        versioned.send(async move { api::save_operator_note(id, &edit).await }, move |note| saved.set(note));
    };
    let changed = move || saved.with(|s| s.body != body.get());
    let conflict_view = move || {
        conflict.get().map(|(c, current)| {
            let differences = vec![Difference {
                label: t_string!(i18n, session.operator_note).to_string(),
                mine: body.get_untracked(),
                theirs: current.body.clone(),
            }];
            let version = current.version;
            let use_theirs = Callback::new(move |()| {
                body.set(current.body.clone());
                saved.set(current.clone());
                conflict.set(None);
            });
            let reapply = Callback::new(move |()| save(version));
            view! { <ConflictNotice changed_by=c.changed_by changed_at=c.changed_at differences use_theirs reapply /> }
        })
    };
    view! {
        <form class=css::form data-testid="operator-note" on:submit=move |ev| {
            ev.prevent_default();
            save(saved.with_untracked(|s| s.version));
        }>
            <label class=form_css::field>
                <span class=form_css::label>{t!(i18n, session.operator_note)}</span>
                <textarea name="body" rows="2" prop:value=move || body.get() on:input=move |ev| body.set(event_target_value(&ev))></textarea>
                <FieldMessage errors field="body" />
            </label>
            {move || saved.with(|s| s.by.clone()).map(|by| view! { <p class=css::muted>{t!(i18n, session.note_by, name = by)}</p> })}
            {conflict_view}
            <FieldMessage errors field="" />
            <button type="submit" class="button" data-testid="operator-note-save" disabled=move || !changed()>{t!(i18n, records.save)}</button>
        </form>
    }
}

/// Preset and custom parameters; each value saved on its own, a new custom one added below.
#[component]
fn Parameters(id: i64, parameters: Vec<Parameter>) -> impl IntoView {
    let i18n = use_i18n();
    let list = RwSignal::new(parameters);
    let key = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let errors = FormErrors::default();
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let edit = ParameterEdit { version: None, key: key.get_untracked(), value: value.get_untracked() };
        if let Err(e) = validate_parameter(&edit) {
            return errors.field(&e);
        }
        spawn_local(async move {
            match api::save_parameter(id, &edit).await {
                Ok(p) => {
                    errors.clear();
                    key.set(String::new());
                    value.set(String::new());
                    list.update(|l| l.push(p));
                }
                Err(ApiError::VersionConflict(_)) => errors
                    .api(&ApiError::Conflict(t_string!(use_i18n(), session.parameter_exists).to_string())),
                Err(e) => errors.api(&e),
            }
        });
    };
    view! {
        <h3 class=css::subhead>{t!(i18n, session.parameters)}</h3>
        // Keyed: adding a parameter leaves the other rows, and what is typed in them, as they are.
        <ul class=css::points data-testid="parameters">
            <For each=move || list.get() key=|p| p.key.clone() let:p>
                <ParameterRow id parameter=p />
            </For>
        </ul>
        <form class=css::inline_form data-testid="add-parameter" on:submit=add>
            <TextField label=ViewFn::from(move || t!(i18n, session.parameter_key)) value=key errors field="key" />
            <TextField label=ViewFn::from(move || t!(i18n, session.parameter_value)) value=value errors field="value" />
            <button type="submit" class="button">{t!(i18n, records.add)}</button>
        </form>
        <FieldMessage errors field="" />
    }
}

#[component]
fn ParameterRow(id: i64, parameter: Parameter) -> impl IntoView {
    let i18n = use_i18n();
    let saved = RwSignal::new(parameter.clone());
    let value = RwSignal::new(parameter.value);
    let versioned = VersionedSave::<Parameter>::default();
    let VersionedSave { errors, conflict, .. } = versioned;
    let save = move |version: i64| {
        let edit = ParameterEdit {
            version: Some(version),
            key: saved.with_untracked(|p| p.key.clone()),
            value: value.get_untracked(),
        };
        if let Err(e) = validate_parameter(&edit) {
            return errors.field(&e);
        }
        versioned.send(async move { api::save_parameter(id, &edit).await }, move |p| saved.set(p));
    };
    let key = parameter.key.clone();
    let conflict_view = move || {
        conflict.get().map(|(c, current)| {
            let differences = vec![Difference { label: current.key.clone(), mine: value.get_untracked(), theirs: current.value.clone() }];
            let version = current.version;
            let use_theirs = Callback::new(move |()| {
                value.set(current.value.clone());
                saved.set(current.clone());
                conflict.set(None);
            });
            let reapply = Callback::new(move |()| save(version));
            view! { <ConflictNotice changed_by=c.changed_by changed_at=c.changed_at differences use_theirs reapply /> }
        })
    };
    view! {
        <li class=css::parameter data-testid="parameter" data-key=key.clone() data-preset=parameter.preset.to_string()>
            <form class=css::inline_form on:submit=move |ev| {
                ev.prevent_default();
                save(saved.with_untracked(|p| p.version));
            }>
                <label class=form_css::field>
                    <span class=form_css::label>{key.clone()}</span>
                    <input type="text" name="value" prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
                </label>
                <button type="submit" class="button" data-testid="parameter-save" disabled=move || saved.with(|p| p.value == value.get())>
                    {t!(i18n, records.save)}
                </button>
            </form>
            <FieldMessage errors field="value" />
            <FieldMessage errors field="" />
            {conflict_view}
        </li>
    }
}

/// Custom data: values editable, keys fixed.
#[component]
fn CustomData(id: i64, values: Vec<KeyValue>, version: i64) -> impl IntoView {
    let i18n = use_i18n();
    if values.is_empty() {
        return ().into_any();
    }
    let saved = RwSignal::new((values.clone(), version));
    let inputs: Vec<(String, RwSignal<String>)> =
        values.into_iter().map(|kv| (kv.key, RwSignal::new(kv.value))).collect();
    let inputs = StoredValue::new(inputs);
    let errors = FormErrors::default();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (existing, version) = saved.get_untracked();
        let edit = CustomDataEdit {
            version: Some(version),
            values: inputs.with_value(|i| {
                i.iter().map(|(key, v)| KeyValue { key: key.clone(), value: v.get_untracked() }).collect()
            }),
        };
        if let Err(e) = validate_custom_data(&existing, &edit) {
            // The field is named after its key ("custom_data.plan"): shown with the key, under the form.
            let key = e.field.trim_start_matches("custom_data.").to_owned();
            let message = format!("{key}: {}", rule_text(e.rule));
            return errors.api(&ApiError::Validation { field: None, message, rule: None });
        }
        spawn_local(async move {
            match api::save_custom_data(id, &edit).await {
                Ok(d) => {
                    errors.clear();
                    saved.set((d.custom_data, d.custom_data_version));
                }
                Err(e) => errors.api(&e),
            }
        });
    };
    view! {
        <h3 class=css::subhead>{t!(i18n, session.custom_data)}</h3>
        <form class=css::form data-testid="custom-data" on:submit=submit>
            {inputs.with_value(|i| i.iter().map(|(key, value)| {
                let value = *value;
                view! {
                    <label class=form_css::field>
                        <span class=form_css::label>{key.clone()}</span>
                        <input type="text" name=key.clone() prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
                    </label>
                }
            }).collect_view())}
            <FieldMessage errors field="" />
            <button type="submit" class="button" data-testid="custom-data-save">{t!(i18n, records.save)}</button>
        </form>
    }
    .into_any()
}

split_view!(panes, fn session_view(id: i64, d: Encoded<SessionData>) => decoded(&d, |d| view! { <SessionView id d /> }));
