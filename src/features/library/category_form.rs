//! Create, rename or move a category (never inside itself, never deeper than the tree allows), and
//! delete an empty one.

use hovor_types::response::{
    CategoryFields, ResponseCategory, allowed_parents, tree_order, validate_category,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::css;
use super::page::{Editing, Library};
use crate::api::ApiError;
use crate::api::library as api;
use crate::components::form::{FieldMessage, FormErrors, TextField, api_text, css as form_css};
use crate::i18n::{t, t_string, use_i18n};
use crate::widgets::record::css as records_css;

#[component]
pub fn CategoryForm(lib: Library, start: Option<ResponseCategory>, parent: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let id = start.as_ref().map(|c| c.id);
    let form = lib.form();
    let opened =
        (start.map(|c| c.name).unwrap_or_default(), parent.map(|p| p.to_string()).unwrap_or_default());
    let name = RwSignal::new(opened.0.clone());
    let parent = RwSignal::new(opened.1.clone());
    let errors = FormErrors::default();
    let busy = RwSignal::new(false);
    Effect::new(move |_| lib.unsaved.set(name.get() != opened.0 || parent.get() != opened.1));
    // Only the places the category may go: the same rule the server checks.
    let places = Memo::new(move |_| {
        lib.categories.with(|all| {
            let allowed = allowed_parents(all, id);
            tree_order(all)
                .into_iter()
                .filter(|(_, c)| allowed.contains(&Some(c.id)))
                .map(|(depth, c)| (c.id.to_string(), format!("{}{}", "\u{2003}".repeat(depth), c.name)))
                .collect::<Vec<_>>()
        })
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let fields =
            CategoryFields { name: name.get_untracked(), parent_id: parent.get_untracked().parse().ok() };
        if let Err(e) = validate_category(&fields) {
            errors.field(&e);
            return;
        }
        errors.clear();
        busy.set(true);
        let failed = t_string!(i18n, form.failed).to_string();
        let done = t_string!(i18n, library.saved).to_string();
        spawn_local(async move {
            let result = match id {
                Some(id) => api::save_category(id, &fields).await,
                None => api::create_category(&fields).await,
            };
            let _ = busy.try_set(false);
            match result {
                Ok(saved) => {
                    let _ = lib.selected.try_set(Some(saved.id));
                    lib.saved(form, Editing::Nothing, done);
                }
                Err(e) => errors.answer(i18n, &e, failed),
            }
        });
    };
    view! {
        <form class=records_css::form data-testid="category-form" on:submit=submit>
            <h3 class=css::subtitle>
                {if id.is_some() { t!(i18n, library.edit_category).into_any() } else { t!(i18n, library.new_category).into_any() }}
            </h3>
            <TextField label=ViewFn::from(move || t!(i18n, library.category_name)) value=name errors field="name" />
            <label class=form_css::field>
                <span class=form_css::label>{t!(i18n, library.parent)}</span>
                <select name="parent_id" on:change=move |ev| parent.set(event_target_value(&ev))>
                    <option value="" selected=move || parent.with(String::is_empty)>{t!(i18n, library.top_level)}</option>
                    {move || places.get().into_iter().map(|(value, label)| {
                        let chosen = value.clone();
                        view! { <option value=value selected=move || parent.with(|p| *p == chosen)>{label}</option> }
                    }).collect_view()}
                </select>
                <FieldMessage errors field="parent_id" />
            </label>
            <FieldMessage errors field="" />
            <div class=css::actions>
                <button type="button" class="button" on:click=move |_| lib.close()>
                    {t!(i18n, records.cancel)}
                </button>
                <button type="submit" class="button primary" data-testid="category-save" disabled=move || busy.get()>
                    {t!(i18n, records.save)}
                </button>
            </div>
        </form>
    }
}

/// Delete category, after a confirmation; the server refuses one that still holds something.
#[component]
pub fn DeleteCategory(lib: Library, category: ResponseCategory) -> impl IntoView {
    let i18n = use_i18n();
    let confirm = RwSignal::new(false);
    let errors = FormErrors::default();
    let (id, parent) = (category.id, category.parent_id);
    let remove = move |_| {
        let not_empty = t_string!(i18n, library.category_not_empty).to_string();
        let failed = t_string!(i18n, form.failed).to_string();
        spawn_local(async move {
            match api::delete_category(id).await {
                Ok(()) => {
                    let _ = lib.selected.try_set(parent);
                    if lib.editing.try_with_untracked(|e| matches!(e, Editing::Category(c) if c.id == id))
                        == Some(true)
                    {
                        lib.saved(lib.form(), Editing::Nothing, String::new());
                    } else {
                        lib.reload();
                    }
                }
                Err(ApiError::Refused(_)) => errors.show("", not_empty),
                Err(e) => errors.show("", api_text(i18n, &e, failed)),
            }
            let _ = confirm.try_set(false);
        });
    };
    view! {
        <button type="button" class="button" data-testid="library-delete-category" on:click=move |_| {
            errors.clear();
            confirm.set(true);
        }>
            {t!(i18n, library.delete_category)}
        </button>
        <Show when=move || confirm.get()>
            <div class=records_css::notice role="alert">
                <p>{t!(i18n, library.delete_category_confirm, name = category.name.clone())}</p>
                <button type="button" class="button" on:click=move |_| confirm.set(false)>{t!(i18n, records.cancel)}</button>
                <button type="button" class="button danger" data-testid="library-delete-category-confirm" on:click=remove>
                    {t!(i18n, library.delete)}
                </button>
            </div>
        </Show>
        <FieldMessage errors field="" />
    }
}
