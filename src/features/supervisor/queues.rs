//! The queue cards: live counts, the longest wait ticking, the agents by state, and today's and the
//! last 30 minutes' figures; tapping a figure shows its definition and the counts behind it.

use std::sync::Arc;

use hovor_types::supervisor::{QueueBoard, QueueFigures, agents_by_state};
use leptos::prelude::*;

use super::strings::SupervisorWords;
use super::{Board, css};
use crate::components::strings::fill;
use crate::format;
use crate::state::clock::use_clock;
use crate::state::configured::ConfiguredText;

#[component]
pub fn QueueCards(shared: Board) -> impl IntoView {
    let words = shared.words.clone();
    // A card is drawn again only when what the server counted for it changed.
    let key = |q: &QueueBoard| serde_json::to_string(q).unwrap_or_default();
    view! {
        <section class=css::queues aria-label=words.queues.clone() data-testid="supervisor-queues">
            <For each=move || shared.queues.get() key=key let:q>
                <QueueCard q shared=shared.clone() />
            </For>
        </section>
    }
}

#[component]
fn QueueCard(q: QueueBoard, shared: Board) -> impl IntoView {
    let clock = use_clock();
    let (words, defined, skew) = (shared.words.clone(), shared.defined, shared.skew);
    let (id, oldest) = (q.queue_id, q.oldest_entered_at);
    let longest = move || oldest.map(|at| format::stopwatch(((clock.get() + skew.get() - at) / 1000).max(0)));
    // The agents by state follow each state the stream announces.
    let by_state = Memo::new(move |_| {
        shared.agents.with(|agents| agents_by_state(agents.iter().filter(|a| a.queue_ids.contains(&id))))
    });
    let figures = |window: &'static str, label: String, f: QueueFigures| {
        view! {
            <FigureRow queue=q.queue_id window label f sl_seconds=q.sl_seconds words=words.clone() defined />
        }
    };
    view! {
        <article class=css::queue data-testid="supervisor-queue" data-queue=q.queue_id>
            <h3><ConfiguredText text=q.name.clone() /></h3>
            <dl class=css::live>
                <div><dt>{words.waiting.clone()}</dt><dd data-testid="queue-waiting">{q.waiting}</dd></div>
                <div><dt>{words.ringing.clone()}</dt><dd data-testid="queue-ringing">{q.ringing}</dd></div>
                <div><dt>{words.longest_wait.clone()}</dt><dd data-testid="queue-longest">{move || longest().unwrap_or_else(|| "—".into())}</dd></div>
                <div><dt>{words.available.clone()}</dt><dd data-testid="queue-available">{move || by_state.with(|s| s.0)}</dd></div>
                <div><dt>{words.busy.clone()}</dt><dd>{move || by_state.with(|s| s.1)}</dd></div>
                <div><dt>{words.idle.clone()}</dt><dd>{move || by_state.with(|s| s.2.iter().map(|i| i.agents).sum::<u32>())}</dd></div>
            </dl>
            {figures("today", words.today.clone(), q.today)}
            {figures("recent", words.recent.clone(), q.recent)}
        </article>
    }
}

#[component]
fn FigureRow(
    queue: i64,
    window: &'static str,
    label: String,
    f: QueueFigures,
    sl_seconds: u32,
    words: Arc<SupervisorWords>,
    defined: RwSignal<Option<String>>,
) -> impl IntoView {
    let percent = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |v| format!("{v:.0} %"));
    let time = |v: Option<i64>| v.map_or_else(|| "—".to_owned(), |ms| format::stopwatch(ms / 1000));
    let c = f.counts;
    let counts = fill(
        &words.counts,
        &[
            ("answered", &c.answered.to_string()),
            ("abandoned", &c.abandoned.to_string()),
            ("short", &c.short_abandoned.to_string()),
        ],
    );
    let figures = [
        (
            "service_level",
            words.service_level.clone(),
            percent(f.service_level),
            fill(&words.def_service_level, &[("seconds", &sl_seconds.to_string())]),
        ),
        ("asa", words.asa.clone(), time(f.asa_ms), words.def_asa.clone()),
        ("abandon_rate", words.abandon_rate.clone(), percent(f.abandon_rate), words.def_abandon_rate.clone()),
        ("aht", words.aht.clone(), time(f.aht_ms), words.def_aht.clone()),
        ("focused_aht", words.focused_aht.clone(), time(f.focused_aht_ms), words.def_focused_aht.clone()),
        ("ronas", words.ronas.clone(), f.ronas.to_string(), words.def_ronas.clone()),
    ];
    view! {
        <section class=css::window data-testid=format!("queue-{window}")>
            <h4>{label}</h4>
            <div class=css::figures>
                {figures.into_iter().map(|(name, label, value, definition)| {
                    let key = format!("{queue}/{window}/{name}");
                    let open = {
                        let key = key.clone();
                        Signal::derive(move || defined.with(|d| d.as_deref() == Some(key.as_str())))
                    };
                    let toggle = {
                        let key = key.clone();
                        move |_| defined.update(|d| *d = if d.as_deref() == Some(key.as_str()) { None } else { Some(key.clone()) })
                    };
                    let counts = counts.clone();
                    view! {
                        <button type="button" class=css::figure data-testid=format!("figure-{name}") aria-expanded=move || open.get().to_string()
                            on:click=toggle>
                            <span class=css::figure_label>{label}</span>
                            <span class=css::figure_value data-testid="figure-value">{value}</span>
                        </button>
                        <Show when=move || open.get()>
                            <p class=css::definition role="note" data-testid="figure-definition">{definition.clone()}" "{(name == "service_level" || name == "abandon_rate").then(|| counts.clone())}</p>
                        </Show>
                    }
                }).collect_view()}
            </div>
        </section>
    }
}
