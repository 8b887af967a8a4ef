//! Parts of a view drawn one task after the rest. A large view mounted at once holds the main thread
//! for longer than a tablet can spare (a task over 50 ms delays the agent's taps); drawn in two tasks,
//! the browser can paint and answer input in between.

use std::time::Duration;

use leptos::prelude::*;

/// Draws its children in the next task (the rest of the view is drawn and can paint first).
#[component]
pub fn Later(children: ChildrenFn) -> impl IntoView {
    let drawn = RwSignal::new(false);
    set_timeout(
        move || {
            let _ = drawn.try_set(true);
        },
        Duration::ZERO,
    );
    move || drawn.get().then(|| children())
}
