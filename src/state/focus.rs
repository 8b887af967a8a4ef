//! Focus time (DAK): while a conversation the agent handles is on screen, the time it is the selected
//! one in a visible, focused tab is reported every few seconds; leaving it for another conversation
//! or module counts as an interruption. The server caps each report at the time that really passed
//! and marks gaps (a closed laptop, a lost connection) as a time anomaly.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use hovor_types::wrap_up::{FOCUS_REPORT_EVERY_MS, FocusReport};
use leptos::prelude::*;
use leptos::task::spawn_local;
use send_wrapper::SendWrapper;

use crate::api::routing as api;
use crate::state::handling::Handling;

fn page_has_focus() -> bool {
    let document = document();
    document.visibility_state() == web_sys::VisibilityState::Visible && document.has_focus().unwrap_or(false)
}

pub fn track_focus(id: i64, handling: Signal<Handling>) {
    // Plain cells, not signals: the last report is sent while the component is being disposed.
    let since = Rc::new(Cell::new(page_has_focus().then(js_sys::Date::now)));
    let mine = Rc::new(Cell::new(false));
    {
        let mine = mine.clone();
        Effect::new(move |_| mine.set(handling.get() != Handling::Watching));
    }
    let report = {
        let (since, mine) = (since.clone(), mine.clone());
        // `returning`: focus came back; an empty report tells the server the time away was no gap.
        move |interrupted: bool, returning: bool| {
            let now = js_sys::Date::now();
            let focused_ms = since.get().map_or(0.0, |start| now - start) as i64;
            since.set(page_has_focus().then_some(now));
            if !mine.get() || (focused_ms == 0 && !interrupted && !returning) {
                return;
            }
            spawn_local(async move {
                let _ = api::focus(id, FocusReport { focused_ms, interrupted }).await;
            });
        }
    };
    let every = Duration::from_millis(FOCUS_REPORT_EVERY_MS as u64);
    let interval = {
        let report = report.clone();
        set_interval_with_handle(move || report(false, false), every).ok()
    };
    let changed = {
        let (since, report) = (since.clone(), report.clone());
        move || match (since.get(), page_has_focus()) {
            // Focus left the tab: report what was focused so far.
            (Some(_), false) => report(false, false),
            (None, true) => report(false, true),
            _ => {}
        }
    };
    let listeners = [
        window_event_listener(leptos::ev::focus, {
            let changed = changed.clone();
            move |_| changed()
        }),
        window_event_listener(leptos::ev::blur, {
            let changed = changed.clone();
            move |_| changed()
        }),
        window_event_listener(leptos::ev::visibilitychange, move |_| changed()),
    ];
    // Another conversation or module was selected: the last stretch, and one interruption.
    let last = SendWrapper::new(report);
    on_cleanup(move || {
        if let Some(interval) = interval {
            interval.clear();
        }
        for listener in listeners {
            listener.remove();
        }
        last(true, false);
    });
}
