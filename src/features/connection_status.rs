//! Whether the desk is receiving live events, always in view.

use leptos::prelude::*;

use crate::i18n::{t, use_i18n};
use crate::state::live::{Connection, use_live};

stylance::import_crate_style!(css, "src/features/connection_status.module.css");

#[component]
pub fn ConnectionStatus() -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    let state = move || match live.connection.get() {
        Connection::Connecting => "connecting",
        Connection::Live => "live",
        Connection::Reconnecting => "reconnecting",
    };
    let label = move || match live.connection.get() {
        Connection::Connecting => t!(i18n, connection.connecting).into_any(),
        Connection::Live => t!(i18n, connection.live).into_any(),
        Connection::Reconnecting => t!(i18n, connection.reconnecting).into_any(),
    };
    view! {
        <span class=css::status data-testid="connection" data-state=state role="status">
            <span class=css::dot aria-hidden="true"></span>
            <span class=css::text>{label}</span>
        </span>
    }
}
