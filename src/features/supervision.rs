//! Supervision beside the conversation on the desk: who monitors it (when its queue tells agents) and
//! the supervisors' whispers, which only the agent reads. Read when the conversation opens and again
//! when the stream says either changed; nothing shows while there is neither. In the `handling` chunk
//! (fetched once the desk is up), so the desk's start carries none of it.

use hovor_types::supervisor::{MonitorMode, Supervision};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::supervisor as api;
use crate::components::lazy::split_view;
use crate::format;
use crate::i18n::{t, t_string, use_i18n};
use crate::state::live::use_live;

stylance::import_crate_style!(css, "src/features/supervision.module.css");

/// Whispers shown at once: the newest; the rest wait one scroll away.
const SHOWN: usize = 3;

split_view!(handling, pub fn supervision_strip(id: i64) => view! { <SupervisionStrip id /> });

#[component]
fn SupervisionStrip(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    let supervision = RwSignal::new(Supervision::default());
    Effect::new(move |_| {
        live.supervision_changes.with(|changes| changes.get(&id).copied());
        spawn_local(async move {
            // Not the agent's (a colleague's conversation opened from history): nothing to show.
            if let Ok(now) = api::supervision(id).await {
                let _ = supervision.try_set(now);
            }
        });
    });
    let monitors = move || {
        supervision.with(|s| {
            s.monitors
                .iter()
                .map(|m| match m.mode {
                    MonitorMode::Read => t!(i18n, supervision.reading, name = { m.name.clone() }).into_any(),
                    MonitorMode::Listen => {
                        t!(i18n, supervision.listening, name = { m.name.clone() }).into_any()
                    }
                    MonitorMode::Coach => {
                        t!(i18n, supervision.coaching, name = { m.name.clone() }).into_any()
                    }
                })
                .collect_view()
        })
    };
    let whispers = move || {
        supervision.with(|s| {
            let skip = s.whispers.len().saturating_sub(SHOWN);
            s.whispers
                .iter()
                .skip(skip)
                .map(|w| {
                    view! {
                        <li data-testid="whisper">
                            <span class=css::from>{t!(i18n, supervision.whisper_from, name = {w.author.clone()})}" · "{format::time(i18n.get_locale(), w.at)}</span>
                            " "{w.body.clone()}
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let shown = move || supervision.with(|s| !s.monitors.is_empty() || !s.whispers.is_empty());
    view! {
        <Show when=shown>
            <aside class=css::strip data-testid="supervision" aria-label=move || t_string!(i18n, supervision.label)>
                <Show when=move || supervision.with(|s| !s.monitors.is_empty())>
                    <p class=css::monitored data-testid="monitored" role="status">{monitors}</p>
                </Show>
                <ul class=css::whispers aria-live="polite">{whispers}</ul>
            </aside>
        </Show>
    }
}
