//! "Now" for every time on screen that moves (waiting, handle time, an offer's countdown, time since
//! start): one timer for the whole desk, ticking every second so a shown second is never stale.

use std::time::Duration;

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Clock(ReadSignal<i64>);

const TICK: Duration = Duration::from_secs(1);

impl Clock {
    /// Milliseconds since the epoch, as of the latest tick (tracked).
    pub fn get(self) -> i64 {
        self.0.get()
    }
}

pub fn provide_clock() {
    let (now, set_now) = signal(js_sys::Date::now() as i64);
    // The interval lives as long as the app.
    let _ = set_interval_with_handle(move || set_now.set(js_sys::Date::now() as i64), TICK);
    provide_context(Clock(now));
}

pub fn use_clock() -> Clock {
    expect_context()
}
