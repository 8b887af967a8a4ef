//! The server's first paint of `/desk/{id}` (the task list and the conversation's latest messages as
//! plain HTML, drawn before the app has arrived): the app stays hidden behind it (base.css) until it
//! has drawn what the agent came for, or has something else to show, and then removes it.

use std::time::Duration;

use leptos::prelude::{document, set_timeout};

/// However the app fares, the agent never looks at a still picture of the desk for longer.
const AT_THE_LATEST: Duration = Duration::from_secs(10);

/// Shows the app in place of the first paint; does nothing once it has gone (or on any other page).
pub fn reveal() {
    if let Some(first_paint) = document().get_element_by_id("prepaint") {
        first_paint.remove();
    }
}

/// As the app starts.
pub fn reveal_at_the_latest() {
    if document().get_element_by_id("prepaint").is_some() {
        set_timeout(reveal, AT_THE_LATEST);
    }
}
