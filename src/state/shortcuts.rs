//! The desk's keyboard model: actions with default key combinations the agent can remap (kept in this
//! browser, a preference like the language), handlers registered by whatever on screen can perform an
//! action, and one listener that maps a key press to an action.
//!
//! National keyboards come first: Czech, Polish, Bulgarian and Ukrainian letters are typed with AltGr
//! (which browsers report as Ctrl+Alt, or the AltGraph modifier) and plain keys, so a press with AltGr
//! is never a shortcut, and a combination without Ctrl, Alt or ⌘ acts only outside text fields.
//! Combinations name physical keys (`KeyboardEvent.code`), so they stay where they are on every layout;
//! only `?`, the shortcut sheet, is the character whatever key types it.

use std::collections::HashMap;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// What the agent can do from the keyboard.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Action {
    NextConversation,
    PreviousConversation,
    Accept,
    Suggestion1,
    Suggestion2,
    Suggestion3,
    End,
    Responses,
    Palette,
    Sheet,
}

impl Action {
    pub const ALL: [Action; 10] = [
        Action::Accept,
        Action::NextConversation,
        Action::PreviousConversation,
        Action::Suggestion1,
        Action::Suggestion2,
        Action::Suggestion3,
        Action::Responses,
        Action::End,
        Action::Palette,
        Action::Sheet,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Action::NextConversation => "next-conversation",
            Action::PreviousConversation => "previous-conversation",
            Action::Accept => "accept",
            Action::Suggestion1 => "suggestion-1",
            Action::Suggestion2 => "suggestion-2",
            Action::Suggestion3 => "suggestion-3",
            Action::End => "end",
            Action::Responses => "responses",
            Action::Palette => "palette",
            Action::Sheet => "sheet",
        }
    }

    fn default_combo(self) -> Combo {
        let alt = |code: &str| Combo { alt: true, ..Combo::code(code) };
        match self {
            Action::NextConversation => alt("ArrowDown"),
            Action::PreviousConversation => alt("ArrowUp"),
            Action::Accept => alt("Enter"),
            Action::Suggestion1 => alt("Digit1"),
            Action::Suggestion2 => alt("Digit2"),
            Action::Suggestion3 => alt("Digit3"),
            Action::End => Combo { shift: true, ..alt("KeyE") },
            Action::Responses => Combo { shift: true, ..alt("KeyR") },
            Action::Palette => Combo { ctrl: true, ..Combo::code("KeyK") },
            Action::Sheet => Combo { key: Key::Char('?'), ..Combo::default() },
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub enum Key {
    /// A physical key (`KeyboardEvent.code`): "KeyE", "Digit1", "ArrowDown".
    Code(String),
    /// The character typed, on whichever key the layout has it.
    Char(char),
    #[default]
    None,
}

/// A key with its modifiers.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Combo {
    pub ctrl: bool,
    pub alt: bool,
    pub shift: bool,
    pub meta: bool,
    pub key: Key,
}

impl Combo {
    fn code(code: &str) -> Combo {
        Combo { key: Key::Code(code.to_owned()), ..Combo::default() }
    }

    /// The combination a key press makes; `None` for a modifier alone or a press with AltGr.
    pub fn of(ev: &web_sys::KeyboardEvent) -> Option<Combo> {
        let altgr = ev.get_modifier_state("AltGraph") || (ev.ctrl_key() && ev.alt_key());
        if altgr
            || ev.is_composing()
            || matches!(ev.key().as_str(), "Control" | "Alt" | "Shift" | "Meta" | "AltGraph")
        {
            return None;
        }
        let (ctrl, alt, meta) = (ev.ctrl_key(), ev.alt_key(), ev.meta_key());
        let key = if ctrl || alt || meta { Key::Code(ev.code()) } else { Combo::char_of(&ev.key()) };
        let shift = ev.shift_key() && !matches!(key, Key::Char(_));
        Some(Combo { ctrl, alt, shift, meta, key })
    }

    fn char_of(key: &str) -> Key {
        let mut chars = key.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Key::Char(c),
            _ => Key::Code(key.to_owned()),
        }
    }

    /// Acts only outside text fields: it types nothing special there.
    fn is_plain(&self) -> bool {
        !(self.ctrl || self.alt || self.meta)
    }

    /// "Alt+Shift+KeyE", "Ctrl+KeyK", "?": how a combination is kept.
    pub fn to_text(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        for (on, name) in [(self.ctrl, "Ctrl"), (self.alt, "Alt"), (self.shift, "Shift"), (self.meta, "Meta")]
        {
            if on {
                parts.push(name.to_owned());
            }
        }
        match &self.key {
            Key::Code(code) => parts.push(code.clone()),
            Key::Char(c) => parts.push(format!("'{c}'")),
            Key::None => {}
        }
        parts.join("+")
    }

    pub fn from_text(text: &str) -> Option<Combo> {
        let mut combo = Combo::default();
        for part in text.split('+').filter(|p| !p.is_empty()) {
            match part {
                "Ctrl" => combo.ctrl = true,
                "Alt" => combo.alt = true,
                "Shift" => combo.shift = true,
                "Meta" => combo.meta = true,
                quoted if quoted.len() >= 3 && quoted.starts_with('\'') && quoted.ends_with('\'') => {
                    combo.key = Combo::char_of(&quoted[1..quoted.len() - 1]);
                }
                code => combo.key = Key::Code(code.to_owned()),
            }
        }
        (combo.key != Key::None).then_some(combo)
    }

    /// As the agent reads it: "Alt+Shift+E", "Ctrl+K", "Alt+↓", "?".
    pub fn label(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        for (on, name) in [(self.ctrl, "Ctrl"), (self.alt, "Alt"), (self.shift, "Shift"), (self.meta, "⌘")]
        {
            if on {
                parts.push(name.to_owned());
            }
        }
        let key = match &self.key {
            Key::Char(c) => c.to_uppercase().to_string(),
            Key::Code(code) => match code.as_str() {
                "ArrowDown" => "↓".to_owned(),
                "ArrowUp" => "↑".to_owned(),
                "ArrowLeft" => "←".to_owned(),
                "ArrowRight" => "→".to_owned(),
                other => {
                    other.strip_prefix("Key").or(other.strip_prefix("Digit")).unwrap_or(other).to_owned()
                }
            },
            Key::None => String::new(),
        };
        parts.push(key);
        parts.join("+")
    }
}

/// Where the agent's own combinations are kept (a preference, never personal data).
const KEY: &str = "hovor.shortcuts";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

type Handler = (u64, Callback<()>);

#[derive(Clone, Copy)]
pub struct Shortcuts {
    bindings: RwSignal<HashMap<Action, Combo>>,
    /// What can perform each action now, the newest registration first.
    handlers: StoredValue<HashMap<Action, Vec<Handler>>>,
    next: StoredValue<u64>,
}

impl Shortcuts {
    pub fn combo(self, action: Action) -> Combo {
        self.bindings.with(|b| b.get(&action).cloned()).unwrap_or_else(|| action.default_combo())
    }

    /// Remaps `action`; a combination another action had is taken from it (that one goes back to its default
    /// unless that is the same combination, then it has none until remapped).
    pub fn remap(self, action: Action, combo: Combo) {
        self.bindings.update(|b| {
            b.insert(action, combo.clone());
            for other in Action::ALL.into_iter().filter(|a| *a != action) {
                let current = b.get(&other).cloned().unwrap_or_else(|| other.default_combo());
                if current == combo {
                    b.insert(other, Combo::default());
                }
            }
        });
        self.save();
    }

    pub fn reset(self) {
        self.bindings.update(HashMap::clear);
        self.save();
    }

    fn save(self) {
        let Some(storage) = storage() else { return };
        let text = self.bindings.with_untracked(|b| {
            b.iter().map(|(a, c)| format!("{}={}", a.id(), c.to_text())).collect::<Vec<_>>().join("\n")
        });
        let _ = storage.set_item(KEY, &text);
    }

    fn load() -> HashMap<Action, Combo> {
        let text = storage().and_then(|s| s.get_item(KEY).ok().flatten()).unwrap_or_default();
        text.lines()
            .filter_map(|line| {
                let (id, combo) = line.split_once('=')?;
                let action = Action::ALL.into_iter().find(|a| a.id() == id)?;
                Some((action, Combo::from_text(combo).unwrap_or_default()))
            })
            .collect()
    }

    /// Lets `run` perform `action` while the calling component is on screen.
    pub fn handle(self, action: Action, run: impl Fn() + Send + Sync + 'static) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        // Runs under the registering component's owner, as its own event handlers do.
        let owner = Owner::current();
        let run = Callback::new(move |()| match &owner {
            Some(owner) => owner.with(&run),
            None => run(),
        });
        self.handlers.update_value(|h| h.entry(action).or_default().insert(0, (id, run)));
        on_cleanup(move || {
            self.handlers.try_update_value(|h| {
                if let Some(list) = h.get_mut(&action) {
                    list.retain(|(i, _)| *i != id);
                }
            });
        });
    }

    /// Runs an action as if its keys were pressed (the command palette); false when nothing on screen
    /// can perform it now.
    pub fn run(self, action: Action) -> bool {
        let handler =
            self.handlers.with_value(|h| h.get(&action).and_then(|l| l.first()).map(|(_, run)| *run));
        handler.map(|run| run.run(())).is_some()
    }

    pub fn available(self, action: Action) -> bool {
        self.handlers.with_value(|h| h.get(&action).is_some_and(|l| !l.is_empty()))
    }

    fn action_of(self, ev: &web_sys::KeyboardEvent) -> Option<Action> {
        let combo = Combo::of(ev)?;
        if combo.is_plain() && in_text_field(ev) {
            return None;
        }
        Action::ALL.into_iter().find(|a| self.combo(*a) == combo)
    }
}

fn in_text_field(ev: &web_sys::KeyboardEvent) -> bool {
    let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) else { return false };
    el.is_content_editable() || matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
}

/// The desk's shortcuts and the one listener for them; call once in the desk.
pub fn provide_shortcuts() -> Shortcuts {
    let shortcuts = Shortcuts {
        bindings: RwSignal::new(Shortcuts::load()),
        handlers: StoredValue::new(HashMap::new()),
        next: StoredValue::new(0),
    };
    provide_context(shortcuts);
    let listener = window_event_listener(leptos::ev::keydown, move |ev| {
        if let Some(action) = shortcuts.action_of(&ev)
            && shortcuts.available(action)
        {
            ev.prevent_default();
            shortcuts.run(action);
        }
    });
    on_cleanup(move || listener.remove());
    shortcuts
}

pub fn use_shortcuts() -> Shortcuts {
    expect_context()
}

/// Registers `run` for `action` while the calling component is on screen.
pub fn on_shortcut(action: Action, run: impl Fn() + Send + Sync + 'static) {
    use_shortcuts().handle(action, run);
}
