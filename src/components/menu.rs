//! An overflow menu (MLU's Options): a button that opens a list of actions. Arrow keys, Home and End
//! move between the actions, Escape closes and returns to the button, choosing an action or leaving
//! the menu closes it.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

stylance::import_crate_style!(pub css, "src/components/menu.module.css");

#[component]
pub fn Menu(
    label: ViewFn,
    /// `data-testid` of the button; the list is `{testid}-list`.
    testid: &'static str,
    /// The actions: buttons with `role="menuitem"` and `class=css::item`.
    children: ChildrenFn,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let trigger = NodeRef::<leptos::html::Button>::new();
    let list = NodeRef::<leptos::html::Div>::new();
    let items = move || -> Vec<web_sys::HtmlElement> {
        let Some(list) = list.get_untracked() else { return Vec::new() };
        let Ok(found) = list.query_selector_all("[role=menuitem]:not([disabled])") else { return Vec::new() };
        (0..found.length()).filter_map(|i| found.item(i)?.dyn_into().ok()).collect()
    };
    let focus_item = move |pick: &dyn Fn(usize, Option<usize>) -> usize| {
        let items = items();
        if items.is_empty() {
            return;
        }
        let active = document().active_element();
        let current = items
            .iter()
            .position(|i| active.as_ref().is_some_and(|a| a == i.unchecked_ref::<web_sys::Element>()));
        let _ = items[pick(items.len(), current) % items.len()].focus();
    };
    let close = move |refocus: bool| {
        open.set(false);
        if let Some(button) = trigger.get_untracked().filter(|_| refocus) {
            let _ = button.focus();
        }
    };
    let toggle = move |_| {
        let now = !open.get_untracked();
        open.set(now);
        if now {
            request_animation_frame(move || focus_item(&|_, _| 0));
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        match ev.key().as_str() {
            "ArrowDown" => focus_item(&|n, c| c.map_or(0, |c| c + 1) % n),
            "ArrowUp" => focus_item(&|n, c| c.map_or(n - 1, |c| c + n - 1)),
            "Home" => focus_item(&|_, _| 0),
            "End" => focus_item(&|n, _| n - 1),
            "Escape" => close(true),
            "Tab" => {
                open.set(false);
                return;
            }
            _ => return,
        }
        ev.prevent_default();
    };
    // Focus leaving the button and the list (a click elsewhere, Tab) closes the menu.
    let on_focus_out = move |ev: leptos::ev::FocusEvent| {
        let inside = ev
            .related_target()
            .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
            .zip(ev.current_target().and_then(|t| t.dyn_into::<web_sys::Node>().ok()))
            .is_some_and(|(to, menu)| menu.contains(Some(&to)));
        if !inside {
            open.set(false);
        }
    };
    let list_id = format!("{testid}-list");
    view! {
        <div class=css::menu on:focusout=on_focus_out on:keydown=on_key>
            <button
                type="button"
                class="button"
                node_ref=trigger
                data-testid=testid
                aria-haspopup="menu"
                aria-expanded=move || open.get().to_string()
                aria-controls=list_id.clone()
                on:click=toggle
            >
                {label.run()}
                <span aria-hidden="true">" ▾"</span>
            </button>
            <Show when=move || open.get()>
                <div
                    class=css::list
                    role="menu"
                    id=list_id.clone()
                    data-testid=format!("{testid}-list")
                    node_ref=list
                    // An action chosen closes the menu (after its own handler ran).
                    on:click=move |ev| {
                        let chosen = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                            .and_then(|t| t.closest("[role=menuitem]").ok().flatten());
                        if chosen.is_some() {
                            open.set(false);
                        }
                    }
                >
                    {children()}
                </div>
            </Show>
        </div>
    }
}
