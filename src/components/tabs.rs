//! An accessible tab strip: arrow keys move between tabs, the panel is labelled by its tab.

use leptos::prelude::*;

stylance::import_crate_style!(css, "src/components/tabs.module.css");

pub struct Tab {
    pub id: &'static str,
    pub label: ViewFn,
}

#[component]
pub fn Tabs(
    /// Prefix for element ids, unique on the page.
    name: &'static str,
    tabs: Vec<Tab>,
    selected: RwSignal<&'static str>,
    children: ChildrenFn,
) -> impl IntoView {
    let ids: Vec<&'static str> = tabs.iter().map(|t| t.id).collect();
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let current = ids.iter().position(|id| *id == selected.get_untracked()).unwrap_or(0);
        let next = match ev.key().as_str() {
            "ArrowRight" => (current + 1) % ids.len(),
            "ArrowLeft" => (current + ids.len() - 1) % ids.len(),
            "Home" => 0,
            "End" => ids.len() - 1,
            _ => return,
        };
        ev.prevent_default();
        selected.set(ids[next]);
        if let Some(el) = document().get_element_by_id(&format!("{name}-tab-{}", ids[next])) {
            let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
        }
    };
    let buttons = tabs
        .into_iter()
        .map(|tab| {
            let id = tab.id;
            let is_selected = move || selected.get() == id;
            view! {
                <button
                    type="button"
                    role="tab"
                    class=css::tab
                    id=format!("{name}-tab-{id}")
                    aria-selected=move || is_selected().to_string()
                    aria-controls=format!("{name}-panel")
                    tabindex=move || if is_selected() { "0" } else { "-1" }
                    on:click=move |_| selected.set(id)
                >
                    {tab.label.run()}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class=css::strip role="tablist" on:keydown=on_key>
            {buttons}
        </div>
        <div
            class=css::panel
            role="tabpanel"
            id=format!("{name}-panel")
            aria-labelledby=move || format!("{name}-tab-{}", selected.get())
        >
            {children()}
        </div>
    }
}

use wasm_bindgen::JsCast;
