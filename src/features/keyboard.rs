//! The keyboard's two dialogs: the command palette (Ctrl+K: every action available now and the agent's
//! conversations, found by typing) and the shortcut sheet (`?`: every action with its keys, each
//! remappable by pressing the new keys). Both live in the `keys` chunk: the shortcuts themselves work
//! from the start.

use hovor_types::text::fold;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::components::lazy::{lazy_view, split_view};
use crate::features::conversation::open_with_composer_focused;
use crate::i18n::{t, t_string, use_i18n};
use crate::state::live::use_live;
use crate::state::shortcuts::{Action, Combo, on_shortcut, use_shortcuts};

stylance::import_crate_style!(css, "src/features/keyboard.module.css");

#[derive(Clone, Copy, PartialEq)]
enum Open {
    Nothing,
    Palette,
    Sheet,
}

/// Both dialogs, opened by their shortcuts (and the sheet by the header's keyboard button).
#[component]
pub fn KeyboardDialogs(sheet_button: RwSignal<u32>) -> impl IntoView {
    let open = RwSignal::new(Open::Nothing);
    // Where the focus goes back to when a dialog closes.
    let before = StoredValue::new_local(None::<web_sys::HtmlElement>);
    let show = move |what: Open| {
        use wasm_bindgen::JsCast;
        before.set_value(document().active_element().and_then(|e| e.dyn_into().ok()));
        open.set(what);
    };
    let close = Callback::new(move |()| {
        open.set(Open::Nothing);
        if let Some(el) = before.get_value() {
            let _ = el.focus();
        }
    });
    on_shortcut(Action::Palette, move || show(Open::Palette));
    on_shortcut(Action::Sheet, move || show(Open::Sheet));
    Effect::new(move |first: Option<()>| {
        sheet_button.track();
        if first.is_some() {
            show(Open::Sheet);
        }
    });
    move || match open.get() {
        Open::Palette => lazy_view(move || palette_dialog(close)),
        Open::Sheet => lazy_view(move || sheet_dialog(close)),
        Open::Nothing => ().into_any(),
    }
}

split_view!(keys, fn palette_dialog(close: Callback<()>) => view! { <Palette close /> });
split_view!(keys, fn sheet_dialog(close: Callback<()>) => view! { <Sheet close /> });

pub fn action_label(action: Action) -> String {
    let i18n = use_i18n();
    match action {
        Action::Accept => t_string!(i18n, keys.accept),
        Action::NextConversation => t_string!(i18n, keys.next),
        Action::PreviousConversation => t_string!(i18n, keys.previous),
        Action::Suggestion1 => t_string!(i18n, keys.suggestion_1),
        Action::Suggestion2 => t_string!(i18n, keys.suggestion_2),
        Action::Suggestion3 => t_string!(i18n, keys.suggestion_3),
        Action::Responses => t_string!(i18n, keys.responses),
        Action::End => t_string!(i18n, keys.end),
        Action::Palette => t_string!(i18n, keys.palette),
        Action::Sheet => t_string!(i18n, keys.sheet),
    }
    .to_string()
}

#[derive(Clone)]
enum Command {
    Act(Action),
    Open(i64),
}

#[component]
fn Palette(close: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let shortcuts = use_shortcuts();
    let live = use_live();
    let navigate = use_navigate();
    let query = RwSignal::new(String::new());
    let active = RwSignal::new(0usize);
    let input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = input.get() {
            let _ = input.focus();
        }
    });
    // Every action something on screen can do now, then the agent's conversations.
    let all = move || {
        let mut all: Vec<(Command, String, String)> = Action::ALL
            .into_iter()
            .filter(|a| !matches!(a, Action::Palette) && shortcuts.available(*a))
            .map(|a| (Command::Act(a), action_label(a), shortcuts.combo(a).label()))
            .collect();
        live.tasks.with_untracked(|t| {
            for task in t.as_ref().and_then(|t| t.as_ref().ok()).into_iter().flatten() {
                let name = task
                    .customer_name
                    .clone()
                    .unwrap_or_else(|| t_string!(i18n, tasks.unknown_customer).to_string());
                let label =
                    t_string!(i18n, keys.open, name = format!("{name} · {}", task.queue_name)).to_string();
                all.push((Command::Open(task.id), label, String::new()));
            }
        });
        all
    };
    let all = StoredValue::new(all());
    let shown = Memo::new(move |_| {
        let words: Vec<String> = query.with(|q| fold(q).split_whitespace().map(str::to_owned).collect());
        all.with_value(|all| {
            all.iter()
                .enumerate()
                .filter(|(_, (_, label, _))| {
                    let label = fold(label);
                    words.iter().all(|w| label.contains(w.as_str()))
                })
                .map(|(n, _)| n)
                .collect::<Vec<_>>()
        })
    });
    let run = move |index: usize| {
        let Some(command) = all.with_value(|all| all.get(index).map(|c| c.0.clone())) else { return };
        let navigate = navigate.clone();
        // After this handler: closing drops the palette, the values this runs in included.
        request_animation_frame(move || {
            close.run(());
            match command {
                Command::Act(action) => {
                    shortcuts.run(action);
                }
                Command::Open(id) => open_with_composer_focused(id, navigate),
            }
        });
    };
    let run = StoredValue::new(run);
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let count = shown.with(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => active.update(|a| *a = (*a + 1) % count),
            "ArrowUp" if count > 0 => active.update(|a| *a = (*a + count - 1) % count),
            "Enter" => {
                if let Some(index) = shown.with(|s| s.get(active.get_untracked()).copied()) {
                    run.with_value(|run| run(index));
                }
            }
            "Escape" => close.run(()),
            _ => return,
        }
        ev.prevent_default();
    };
    view! {
        <div class=css::backdrop on:click=move |_| close.run(())>
            <div class=css::dialog role="dialog" aria-modal="true" aria-labelledby="palette-title" data-testid="palette"
                on:click=|ev| ev.stop_propagation()>
                <h2 id="palette-title" class=css::title>{t!(i18n, keys.palette)}</h2>
                <input
                    node_ref=input
                    class=css::input
                    type="text"
                    role="combobox"
                    aria-expanded="true"
                    aria-controls="palette-list"
                    aria-activedescendant=move || (!shown.with(Vec::is_empty)).then(|| format!("palette-option-{}", active.get()))
                    data-testid="palette-input"
                    placeholder=move || t_string!(i18n, keys.palette_placeholder).to_string()
                    prop:value=move || query.get()
                    on:input=move |ev| { query.set(event_target_value(&ev)); active.set(0); }
                    on:keydown=on_key
                />
                <ul id="palette-list" class=css::list role="listbox" aria-label=move || t_string!(i18n, keys.palette).to_string()>
                    {move || {
                        let shown = shown.get();
                        if shown.is_empty() {
                            return view! { <li class=css::empty role="presentation">{t!(i18n, keys.no_match)}</li> }.into_any();
                        }
                        shown.into_iter().enumerate().map(|(n, index)| {
                            let (label, keys) = all.with_value(|all| (all[index].1.clone(), all[index].2.clone()));
                            view! {
                                <li id=format!("palette-option-{n}") class=css::option role="option" data-testid="palette-option"
                                    aria-selected=move || (active.get() == n).to_string()
                                    on:click=move |_| run.with_value(|run| run(index))>
                                    <span>{label}</span>
                                    {(!keys.is_empty()).then(|| view! { <kbd class=css::kbd>{keys}</kbd> })}
                                </li>
                            }
                        }).collect_view().into_any()
                    }}
                </ul>
            </div>
        </div>
    }
}

#[component]
fn Sheet(close: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let shortcuts = use_shortcuts();
    // The action waiting for its new keys.
    let recording = RwSignal::new(None::<Action>);
    let dialog = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(dialog) = dialog.get() {
            let _ = dialog.focus();
        }
    });
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        match recording.get_untracked() {
            Some(action) => {
                if ev.key() == "Escape" {
                    recording.set(None);
                } else if let Some(combo) = Combo::of(&ev) {
                    shortcuts.remap(action, combo);
                    recording.set(None);
                } else {
                    return;
                }
            }
            None if ev.key() == "Escape" => close.run(()),
            None => return,
        }
        ev.prevent_default();
        ev.stop_propagation();
    };
    view! {
        <div class=css::backdrop on:click=move |_| close.run(())>
            <div class=css::dialog role="dialog" aria-modal="true" aria-labelledby="sheet-title" data-testid="shortcut-sheet"
                tabindex="-1" node_ref=dialog on:click=|ev| ev.stop_propagation() on:keydown=on_key>
                <h2 id="sheet-title" class=css::title>{t!(i18n, keys.title)}</h2>
                <p class=css::hint>{t!(i18n, keys.hint)}</p>
                <table class=css::table>
                    <tbody>
                        {Action::ALL.into_iter().map(|action| view! {
                            <tr data-testid="shortcut" data-action=action.id()>
                                <th scope="row">{move || action_label(action)}</th>
                                <td>
                                    {move || if recording.get() == Some(action) {
                                        view! { <span class=css::recording role="status">{t!(i18n, keys.press)}</span> }.into_any()
                                    } else {
                                        let combo = shortcuts.combo(action);
                                        if combo == Combo::default() {
                                            view! { <span class=css::hint>{t!(i18n, keys.none)}</span> }.into_any()
                                        } else {
                                            view! { <kbd class=css::kbd data-testid="shortcut-keys">{combo.label()}</kbd> }.into_any()
                                        }
                                    }}
                                </td>
                                <td>
                                    <button type="button" class="button quiet" data-testid="shortcut-change"
                                        on:click=move |_| recording.set(Some(action))>{t!(i18n, keys.change)}</button>
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <div class=css::actions>
                    <button type="button" class="button" data-testid="shortcut-reset" on:click=move |_| shortcuts.reset()>{t!(i18n, keys.reset)}</button>
                    <button type="button" class="button primary" data-testid="shortcut-close" on:click=move |_| close.run(())>{t!(i18n, keys.close)}</button>
                </div>
            </div>
        </div>
    }
}
