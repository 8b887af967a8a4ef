//! A coarse "now" for durations on screen (time since start); ticks every 15 seconds.

use std::time::Duration;

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Clock(pub ReadSignal<i64>);

const TICK: Duration = Duration::from_secs(15);

pub fn provide_clock() {
    let (now, set_now) = signal(js_sys::Date::now() as i64);
    // The interval lives as long as the app.
    let _ = set_interval_with_handle(move || set_now.set(js_sys::Date::now() as i64), TICK);
    provide_context(Clock(now));
}

pub fn use_clock() -> Clock {
    expect_context()
}
