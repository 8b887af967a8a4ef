//! Create or edit a response: category, language, title, shortcut, text with placeholders and how
//! customers ask for it (what suggestions match besides the text). The
//! rules are the server's own (`validate_response`); what only the server knows (a shortcut already
//! used) comes back beside its field. Saving over someone else's newer save shows both side by side.

use hovor_types::error::{FieldError, Rule};
use hovor_types::placeholder::{self, KEYS};
use hovor_types::response::{ResponseFields, StandardResponse, tree_order, validate_response};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::css;
use super::page::{Editing, Library};
use super::unsaved::{self, Unsaved};
use crate::api::ApiError;
use crate::api::library::{self as api, RESPONSE_RECORD};
use crate::components::form::{FieldMessage, FormErrors, TextField, api_text, css as form_css};
use crate::features::records::contact::LanguageField;
use crate::i18n::{t, t_string, use_i18n};
use crate::widgets::audit::AuditLog;
use crate::widgets::record::css as records_css;
use crate::widgets::versioned::{ConflictNotice, Difference, VersionedSave, keep_changes};

/// Opens `draft`: a response as read, a new one, or an edit restored after a reload.
#[component]
pub fn ResponseForm(lib: Library, draft: Unsaved) -> impl IntoView {
    let i18n = use_i18n();
    let id = draft.id;
    let form = lib.form();
    let fields = draft.values.map(RwSignal::new);
    let [category_id, language, title, shortcut, body, phrases] = fields;
    let opened = StoredValue::new(draft.opened);
    let version = RwSignal::new(draft.version);
    let versioned = VersionedSave::<StandardResponse>::default();
    let VersionedSave { busy, errors, conflict } = versioned;
    let confirm_delete = RwSignal::new(false);
    Effect::new(move |_| {
        let values = fields.map(|f| f.get());
        let changed = opened.with_value(|o| *o != values);
        lib.unsaved.set(changed);
        if changed {
            unsaved::keep(
                lib.user,
                Unsaved { id, version: version.get(), opened: opened.get_value(), values },
            );
        } else {
            unsaved::forget();
        }
    });

    let save = move |on_version: Option<i64>| {
        let fields = ResponseFields {
            category_id: category_id.get_untracked().parse().unwrap_or(0),
            language: language.get_untracked(),
            title: title.get_untracked(),
            body: body.get_untracked(),
            shortcut: Some(shortcut.get_untracked()),
            phrases: phrases.get_untracked().lines().map(str::to_owned).collect(),
            version: on_version,
        };
        if let Err(e) = validate_response(&fields) {
            show_rule(errors, &e, &fields.body);
            return;
        }
        let failed = t_string!(i18n, form.failed).to_string();
        let gone = t_string!(i18n, form.gone).to_string();
        let done = t_string!(i18n, library.saved).to_string();
        let request = async move {
            match id {
                Some(id) => api::save_response(id, &fields).await,
                None => api::create_response(&fields).await,
            }
        };
        versioned.send_or(
            request,
            move |saved: StandardResponse| {
                let _ = lib.selected.try_set(Some(saved.category_id));
                lib.saved(form, Editing::Response(saved), done);
            },
            move |e| match e {
                ApiError::NotFound => errors.show("", gone),
                e => errors.answer(i18n, &e, failed),
            },
        );
    };

    let conflict_view = move || {
        conflict.get().map(|(c, current)| {
            let theirs = Unsaved::of(&current).opened;
            let shown = |field: usize, value: &str| match field {
                0 => lib.category_name(value.parse().unwrap_or(0)),
                3 if !value.is_empty() => format!("#{value}"),
                _ => value.to_owned(),
            };
            let labels = [
                t_string!(i18n, library.category).to_string(),
                t_string!(i18n, records.language).to_string(),
                t_string!(i18n, library.response_title).to_string(),
                t_string!(i18n, library.shortcut).to_string(),
                t_string!(i18n, library.body).to_string(),
                t_string!(i18n, library.phrases).to_string(),
            ];
            let differences = labels
                .into_iter()
                .enumerate()
                .map(|(i, label)| Difference {
                    label,
                    mine: shown(i, &fields[i].get_untracked()),
                    theirs: shown(i, &theirs[i]),
                })
                .collect::<Vec<_>>();
            let their_version = current.version;
            let use_theirs = {
                let theirs = theirs.clone();
                Callback::new(move |()| {
                    for (field, value) in fields.iter().zip(theirs.iter()) {
                        field.set(value.clone());
                    }
                    opened.set_value(theirs.clone());
                    version.set(Some(their_version));
                    conflict.set(None);
                    lib.reload();
                })
            };
            let reapply = Callback::new(move |()| {
                keep_changes(fields, &opened.get_value(), &theirs);
                opened.set_value(theirs.clone());
                version.set(Some(their_version));
                save(Some(their_version));
            });
            view! { <ConflictNotice changed_by=c.changed_by changed_at=c.changed_at differences use_theirs reapply /> }
        })
    };

    let remove = move |_| {
        let Some(id) = id else { return };
        let failed = t_string!(i18n, form.failed).to_string();
        let done = t_string!(i18n, library.deleted).to_string();
        spawn_local(async move {
            match api::delete_response(id).await {
                Ok(()) => lib.saved(form, Editing::Nothing, done),
                Err(e) => errors.show("", api_text(i18n, &e, failed)),
            }
        });
    };

    let categories = move || {
        tree_order(&lib.categories.get())
            .into_iter()
            .map(|(depth, c)| {
                let value = c.id.to_string();
                let chosen = value.clone();
                view! {
                    <option value=value selected=move || category_id.with(|v| *v == chosen)>
                        {format!("{}{}", "\u{2003}".repeat(depth), c.name)}
                    </option>
                }
            })
            .collect_view()
    };
    let body_invalid = errors.message("body");
    let phrases_invalid = errors.message("phrases");
    let placeholders = KEYS.iter().map(|k| format!("{{{{{k}}}}}")).collect::<Vec<_>>().join(" ");
    view! {
        <form class=records_css::form data-testid="response-form" data-version=move || version.get()
            on:submit=move |ev| {
                ev.prevent_default();
                save(version.get_untracked());
            }>
            <h3 class=css::subtitle>
                {if id.is_some() { t!(i18n, library.edit_response).into_any() } else { t!(i18n, library.new_response).into_any() }}
            </h3>
            <div class=css::pair>
                <label class=form_css::field>
                    <span class=form_css::label>{t!(i18n, library.category)}</span>
                    <select name="category_id" on:change=move |ev| category_id.set(event_target_value(&ev))>{categories}</select>
                    <FieldMessage errors field="category_id" />
                </label>
                <LanguageField value=language errors />
            </div>
            <div class=css::pair>
                <TextField label=ViewFn::from(move || t!(i18n, library.response_title)) value=title errors field="title" />
                <TextField label=ViewFn::from(move || t!(i18n, library.shortcut)) value=shortcut errors field="shortcut" />
            </div>
            <label class=form_css::field>
                <span class=form_css::label>{t!(i18n, library.body)}</span>
                <textarea name="body" class=css::body rows="8"
                    aria-invalid=move || body_invalid.with(Option::is_some).to_string()
                    prop:value=move || body.get()
                    on:input=move |ev| body.set(event_target_value(&ev))></textarea>
                <FieldMessage errors field="body" />
            </label>
            <p class=css::hint>
                {t!(i18n, library.placeholders)}" "<code>{placeholders}</code>" "
                {t!(i18n, library.ask_hint)}" "<code>"{{ask:Order number}}"</code>
            </p>
            <label class=form_css::field>
                <span class=form_css::label>{t!(i18n, library.phrases)}</span>
                <textarea name="phrases" class=css::body rows="4"
                    aria-invalid=move || phrases_invalid.with(Option::is_some).to_string()
                    aria-describedby="phrases-hint"
                    prop:value=move || phrases.get()
                    on:input=move |ev| phrases.set(event_target_value(&ev))></textarea>
                <FieldMessage errors field="phrases" />
            </label>
            <p class=css::hint id="phrases-hint">{t!(i18n, library.phrases_hint)}</p>
            {conflict_view}
            <FieldMessage errors field="" />
            <div class=css::actions>
                {id.is_some().then(|| view! {
                    <button type="button" class="button danger" data-testid="response-delete" on:click=move |_| confirm_delete.set(true)>
                        {t!(i18n, library.delete)}
                    </button>
                })}
                <button type="button" class="button" on:click=move |_| lib.close()>{t!(i18n, records.cancel)}</button>
                <button type="submit" class="button primary" data-testid="response-save" disabled=move || busy.get()>
                    {t!(i18n, records.save)}
                </button>
            </div>
            <Show when=move || confirm_delete.get()>
                <div class=records_css::notice role="alert">
                    <p>{move || t!(i18n, library.delete_response_confirm, title = opened.with_value(|o| o[2].clone()))}</p>
                    <button type="button" class="button" on:click=move |_| confirm_delete.set(false)>{t!(i18n, records.cancel)}</button>
                    <button type="button" class="button danger" data-testid="response-delete-confirm" on:click=remove>
                        {t!(i18n, library.delete)}
                    </button>
                </div>
            </Show>
        </form>
        {id.map(|id| view! {
            <div data-testid="response-audit">
                <AuditLog record=RESPONSE_RECORD id=Signal::stored(id) version=Signal::derive(move || version.get().unwrap_or(0)) />
            </div>
        })}
    }
}

/// A broken rule beside its field; an unknown placeholder is named, so the administrator sees which.
fn show_rule(errors: FormErrors, e: &FieldError, body: &str) {
    let i18n = use_i18n();
    match placeholder::check(body) {
        Err(unknown) if e.field == "body" && e.rule == Rule::NotAnOption => errors
            .show("body", t_string!(i18n, library.unknown_placeholder, placeholder = unknown).to_string()),
        _ => errors.field(e),
    }
}
