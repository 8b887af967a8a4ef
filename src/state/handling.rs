//! Where the agent stands with the conversation on screen (theirs, wrapping up, collaborating, only
//! watching): read by the conversation's header and footer, and by the focus-time tracker.

use leptos::prelude::*;

use crate::state::conversation::use_open_conversation;
use crate::state::live::use_live;

/// Where the agent stands with the conversation on screen.
#[derive(Clone, Copy, PartialEq)]
pub enum Handling {
    /// Not (or no longer) in the agent's task list: read only.
    Watching,
    /// The agent handles it.
    Mine,
    /// A chat the agent writes in beside its owner: no End, transfer or wrap-up.
    Collaborating,
    WrapUp,
}

/// Follows the agent's task list: the conversation is theirs while it is there.
pub fn use_handling(id: i64) -> Signal<Handling> {
    let live = use_live();
    let open = use_open_conversation();
    let tasks = live.tasks;
    // A memo: the task list changes often (unread counts, new offers), and the footer must not build a
    // new composer (losing focus and the open `#` list) unless where the agent stands really changed.
    let handling = Memo::new(move |_| {
        let task = tasks.get().and_then(Result::ok).and_then(|tasks| tasks.into_iter().find(|t| t.id == id));
        match task {
            None => Handling::Watching,
            Some(t) if t.collaborating => Handling::Collaborating,
            Some(t) if t.needs_wrap_up || open.ended.get() => Handling::WrapUp,
            Some(_) => Handling::Mine,
        }
    });
    handling.into()
}
