//! The page: the tree on one side; the chosen category, its responses and the open form on the other.

use hovor_types::response::{
    CATEGORY_DEPTH_MAX, ResponseCategory, StandardResponse, allowed_parents, tree_order,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::category_form::{CategoryForm, DeleteCategory};
use super::css;
use super::response_form::ResponseForm;
use super::unsaved::{self, Unsaved};
use crate::api::library::{self as api, CATEGORY_RECORD};
use crate::api::responses::categories as load_categories;
use crate::format::tag;
use crate::i18n::{t, use_i18n};
use crate::widgets::audit::AuditLog;
use crate::widgets::record::css as records_css;

/// What the editor shows.
#[derive(Clone, PartialEq)]
pub enum Editing {
    Nothing,
    /// A new category under the given parent (`None`: the top level).
    NewCategory(Option<i64>),
    Category(ResponseCategory),
    /// A new response in the given category.
    NewResponse(i64),
    Response(StandardResponse),
    /// A response form's edit found again after the page was reloaded.
    Restored(Unsaved),
}

/// The page's state, shared with the forms.
#[derive(Clone, Copy)]
pub struct Library {
    pub categories: RwSignal<Vec<ResponseCategory>>,
    pub selected: RwSignal<Option<i64>>,
    pub editing: RwSignal<Editing>,
    /// The open form differs from what it opened with: opening something else asks first.
    pub unsaved: RwSignal<bool>,
    /// What to open once the administrator agrees to drop the unsaved edit.
    pending: RwSignal<Option<Editing>>,
    /// Bumped after each change, so the tree, the list and the trails reload.
    pub changes: RwSignal<u32>,
    /// What the last save did, announced to screen readers.
    pub status: RwSignal<Option<String>>,
    /// The open form's number: the late answer of a form that was closed meanwhile changes nothing.
    serial: StoredValue<u64>,
    /// The administrator signed in: a kept draft is theirs alone.
    pub user: i64,
}

impl Library {
    /// Opens `next` in the editor; over unsaved edits, only once the administrator agrees.
    pub fn open(self, next: Editing) {
        if self.unsaved.get_untracked() {
            self.pending.set(Some(next));
        } else {
            self.show(next);
        }
    }

    /// Cancel: the form closes, dropping its edits.
    pub fn close(self) {
        self.show(Editing::Nothing);
    }

    /// The number of the form opened now, for [`Library::saved`].
    pub fn form(self) -> u64 {
        self.serial.get_value()
    }

    fn show(self, next: Editing) {
        unsaved::forget();
        self.serial.update_value(|n| *n += 1);
        self.pending.set(None);
        self.unsaved.set(false);
        self.status.set(None);
        self.editing.set(next);
    }

    /// After form number `form` saved or removed its record (possibly once the page is gone): everything
    /// reloads and the editor shows `next`, unless another form was opened meanwhile.
    pub fn saved(self, form: u64, next: Editing, status: String) {
        self.reload();
        if self.serial.try_get_value() != Some(form) {
            return;
        }
        let _ = self.serial.try_update_value(|n| *n += 1);
        unsaved::forget();
        let _ = self.unsaved.try_set(false);
        let _ = self.editing.try_set(next);
        let _ = self.status.try_set(Some(status));
    }

    pub fn reload(self) {
        let _ = self.changes.try_update(|n| *n += 1);
    }

    pub fn category_name(self, id: i64) -> String {
        self.categories
            .with_untracked(|all| all.iter().find(|c| c.id == id).map(|c| c.name.clone()).unwrap_or_default())
    }
}

#[component]
pub fn LibraryPage(user: i64) -> impl IntoView {
    let i18n = use_i18n();
    let lib = Library {
        categories: RwSignal::new(Vec::new()),
        selected: RwSignal::new(None),
        editing: RwSignal::new(Editing::Nothing),
        unsaved: RwSignal::new(false),
        pending: RwSignal::new(None),
        changes: RwSignal::new(0),
        status: RwSignal::new(None),
        serial: StoredValue::new(0),
        user,
    };
    // An edit the page was reloaded over opens again, in its category.
    if let Some(draft) = unsaved::restore(user) {
        lib.selected.set(draft.category());
        lib.editing.set(Editing::Restored(draft));
    }
    let tree_failed = RwSignal::new(false);
    let tree_loaded = RwSignal::new(false);
    Effect::new(move |_| {
        lib.changes.track();
        spawn_local(async move {
            match load_categories().await {
                Ok(list) => {
                    // The first category is chosen at once, so the page never opens empty.
                    if lib.selected.try_get_untracked().flatten().is_none() {
                        let first = tree_order(&list).first().map(|(_, c)| c.id);
                        let _ = lib.selected.try_set(first);
                    }
                    let _ = lib.categories.try_set(list);
                    let _ = tree_failed.try_set(false);
                    let _ = tree_loaded.try_set(true);
                }
                Err(_) => _ = tree_failed.try_set(true),
            }
        });
    });
    let tree = move || {
        lib.categories.with(|all| {
            if all.is_empty() && tree_loaded.get() {
                return view! { <p class=css::muted>{t!(i18n, library.no_categories)}</p> }.into_any();
            }
            view! { <ul class=css::tree data-testid="library-tree">{branch(lib, all, None, 0)}</ul> }
                .into_any()
        })
    };
    let chosen = Memo::new(move |_| {
        let id = lib.selected.get()?;
        lib.categories.with(|all| all.iter().find(|c| c.id == id).cloned())
    });
    view! {
        <div class=css::library data-testid="library">
            <section class=css::column>
                <h1 class=css::title>{t!(i18n, library.title)}</h1>
                <button type="button" class="button" data-testid="library-new-category"
                    on:click=move |_| lib.open(Editing::NewCategory(None))>
                    {t!(i18n, library.new_category)}
                </button>
                {move || tree_failed.get().then(|| view! {
                    <p class=css::error role="alert">{t!(i18n, library.load_failed)}</p>
                    <button type="button" class="button" on:click=move |_| lib.reload()>{t!(i18n, pane.retry)}</button>
                })}
                {tree}
            </section>
            <section class=css::column data-testid="library-detail">
                {move || chosen.get().map(|c| view! { <CategoryHeader lib category=c /> })}
                <UnsavedNotice lib />
                <p class=css::muted role="status" data-testid="library-status">{move || lib.status.get()}</p>
                <Editor lib />
                {move || lib.selected.get().map(|id| view! { <ResponseList lib category=id /> })}
            </section>
        </div>
    }
}

/// The categories under `parent`, each with its own list nested inside, so the tree is a tree to screen
/// readers too. Stops at the deepest level the tree allows, whatever the data says.
fn branch(lib: Library, all: &[ResponseCategory], parent: Option<i64>, depth: usize) -> AnyView {
    all.iter()
        .filter(|c| c.parent_id == parent)
        .map(|c| {
            let id = c.id;
            let below = (depth + 1 < CATEGORY_DEPTH_MAX && all.iter().any(|k| k.parent_id == Some(id)))
                .then(|| view! { <ul class=css::branch>{branch(lib, all, Some(id), depth + 1)}</ul> });
            view! {
                <li>
                    <button type="button" class=css::node data-testid="library-category" data-depth=depth.to_string()
                        aria-current=move || (lib.selected.get() == Some(id)).to_string()
                        on:click=move |_| lib.selected.set(Some(id))>
                        <span>{c.name.clone()}</span>
                        <span class=css::count>{c.responses}</span>
                    </button>
                    {below}
                </li>
            }
        })
        .collect_view()
        .into_any()
}

/// The chosen category's name with what can be done to it, and its trail.
#[component]
fn CategoryHeader(lib: Library, category: ResponseCategory) -> impl IntoView {
    let i18n = use_i18n();
    let id = category.id;
    let edit = category.clone();
    // At the deepest level a category cannot hold another.
    let can_hold = move || lib.categories.with(|all| allowed_parents(all, None).contains(&Some(id)));
    view! {
        <div data-testid="library-category-detail">
            <div class=css::toolbar>
                <h2 class=css::subtitle>{category.name.clone()}</h2>
                <button type="button" class="button primary" data-testid="library-new-response"
                    on:click=move |_| lib.open(Editing::NewResponse(id))>{t!(i18n, library.new_response)}</button>
                {move || can_hold().then(|| view! {
                    <button type="button" class="button" data-testid="library-add-subcategory"
                        on:click=move |_| lib.open(Editing::NewCategory(Some(id)))>{t!(i18n, library.add_subcategory)}</button>
                })}
                <button type="button" class="button" data-testid="library-edit-category"
                    on:click=move |_| lib.open(Editing::Category(edit.clone()))>{t!(i18n, library.edit_category)}</button>
                <DeleteCategory lib category=category.clone() />
            </div>
            <AuditLog record=CATEGORY_RECORD id=Signal::stored(id) version=Signal::derive(move || i64::from(lib.changes.get())) />
        </div>
    }
}

/// Opening something else over unsaved edits asks first: nothing typed is dropped by a stray tap.
#[component]
fn UnsavedNotice(lib: Library) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        lib.pending.get().is_some().then(|| {
            view! {
                <div class=records_css::notice role="alert" data-testid="library-unsaved">
                    <p>{t!(i18n, library.unsaved)}</p>
                    <button type="button" class="button" data-testid="library-keep-editing"
                        on:click=move |_| lib.pending.set(None)>{t!(i18n, library.keep_editing)}</button>
                    <button type="button" class="button danger" data-testid="library-discard"
                        on:click=move |_| {
                            if let Some(next) = lib.pending.get_untracked() {
                                lib.show(next);
                            }
                        }>{t!(i18n, library.discard)}</button>
                </div>
            }
        })
    }
}

/// The open form; a new one for each record opened, so no state leaks between them.
#[component]
fn Editor(lib: Library) -> impl IntoView {
    let i18n = use_i18n();
    move || match lib.editing.get() {
        Editing::Nothing => ().into_any(),
        Editing::NewCategory(parent) => view! { <CategoryForm lib start=None parent /> }.into_any(),
        Editing::Category(c) => {
            let parent = c.parent_id;
            view! { <CategoryForm lib start=Some(c) parent /> }.into_any()
        }
        Editing::NewResponse(category) => {
            // In the administrator's own language to begin with.
            let draft = Unsaved::new_response(category, tag(untrack(|| i18n.get_locale())));
            view! { <ResponseForm lib draft /> }.into_any()
        }
        Editing::Response(r) => view! { <ResponseForm lib draft=Unsaved::of(&r) /> }.into_any(),
        Editing::Restored(draft) => view! { <ResponseForm lib draft /> }.into_any(),
    }
}

/// The category's responses, every language; reloaded after each change.
#[component]
fn ResponseList(lib: Library, category: i64) -> impl IntoView {
    let i18n = use_i18n();
    let loaded = LocalResource::new(move || {
        lib.changes.track();
        api::responses(category)
    });
    let open_id = move || match lib.editing.get() {
        Editing::Response(r) => Some(r.id),
        Editing::Restored(u) => u.id,
        _ => None,
    };
    move || {
        loaded.get().map(|result| match result {
            Err(_) => view! { <p class=css::error role="alert">{t!(i18n, library.load_failed)}</p> }.into_any(),
            Ok(list) if list.is_empty() => {
                view! { <p class=css::muted data-testid="library-empty">{t!(i18n, library.empty)}</p> }.into_any()
            }
            Ok(list) => view! {
                <table class=css::responses data-testid="library-responses">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, records.language)}</th>
                            <th scope="col">{t!(i18n, library.response_title)}</th>
                            <th scope="col">{t!(i18n, library.shortcut)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {list.into_iter().map(|r| {
                            let id = r.id;
                            let (language, title, shortcut) = (r.language.clone(), r.title.clone(), r.shortcut.clone());
                            view! {
                                <tr data-testid="library-response">
                                    <td>{language}</td>
                                    <td>
                                        <button type="button" class=css::open aria-current=move || (open_id() == Some(id)).to_string()
                                            on:click=move |_| lib.open(Editing::Response(r.clone()))>
                                            {title}
                                        </button>
                                    </td>
                                    <td>{shortcut.map(|s| format!("#{s}"))}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }
            .into_any(),
        })
    }
}
