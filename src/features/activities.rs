//! The interaction and its activities (DAK): queue entry to end, and each agent's accept to wrap-up,
//! with focus time, interruptions and the time-anomaly mark.

use hovor_types::voice::RecordingInfo;
use hovor_types::wrap_up::{Activity, InteractionRecord};
use leptos::prelude::*;

use crate::api::routing as api;
use crate::format;
use crate::i18n::{t, t_string, use_i18n};
use crate::state::configured::ConfiguredText;

stylance::import_crate_style!(css, "src/features/activities.module.css");

#[component]
pub fn Activities(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let record = LocalResource::new(move || api::interaction(id));
    let recordings = LocalResource::new(move || crate::api::voice::recordings(id));
    let shown = move || match record.get() {
        None => view! { <p>{t!(i18n, pane.loading)}</p> }.into_any(),
        Some(Err(_)) => view! { <p role="alert">{t!(i18n, pane.error)}</p> }.into_any(),
        Some(Ok(record)) => view! { <Record record /> }.into_any(),
    };
    view! {
        {shown}
        {move || recordings.get().and_then(Result::ok).filter(|r| !r.is_empty()).map(|list| view! { <Recordings list /> })}
    }
}

/// The call's recordings, each played in the page (the server checks who may hear it).
#[component]
pub fn Recordings(list: Vec<RecordingInfo>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h4 class=css::heading>{t!(i18n, call.recordings)}</h4>
        <ul class=css::list data-testid="recordings">
            {list.into_iter().map(|r| {
                let started = r.started_at;
                let label = move || t_string!(i18n, call.recording_of, time = format::date_time(i18n.get_locale(), started)).to_string();
                view! {
                    <li class=css::recording data-testid="recording">
                        <span>{label}</span>
                        <audio controls preload="none" src=crate::api::voice::recording_audio_path(r.id) aria-label=label></audio>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn Record(record: InteractionRecord) -> impl IntoView {
    let i18n = use_i18n();
    let (queued, ended) = (record.queued_at, record.ended_at);
    view! {
        <dl class=css::interaction data-testid="interaction">
            <dt>{t!(i18n, activities.interaction)}</dt>
            <dd>
                {move || format::date_time(i18n.get_locale(), queued)}
                " – "
                {move || match ended {
                    Some(at) => format::date_time(i18n.get_locale(), at).into_any(),
                    None => t!(i18n, activities.ongoing).into_any(),
                }}
            </dd>
        </dl>
        <ol class=css::list>
            {record.activities.into_iter().map(|a| view! { <ActivityRow a /> }).collect_view()}
        </ol>
    }
}

#[component]
fn ActivityRow(a: Activity) -> impl IntoView {
    let i18n = use_i18n();
    let focus = a.focus;
    let accepted = a.accepted_at;
    let span_end = a.wrapped_up_at;
    view! {
        <li class=css::activity data-testid="activity">
            <p class=css::who><strong>{a.agent_name}</strong>" · "<ConfiguredText text=a.queue_name /></p>
            <p class=css::muted>
                {move || format::date_time(i18n.get_locale(), accepted)}
                " – "
                {move || match span_end {
                    Some(at) => format::date_time(i18n.get_locale(), at).into_any(),
                    None => t!(i18n, activities.ongoing).into_any(),
                }}
            </p>
            {a.transfer_note.map(|note| view! { <p class=css::note>{t!(i18n, offers.note)}" "{note}</p> })}
            {a.wrap_up_reason.map(|reason| view! { <p>{t!(i18n, activities.reason)}" "{reason}</p> })}
            <p data-testid="focus-time">
                {t!(i18n, activities.focus)}" "
                {move || format::duration(i18n.get_locale(), focus.focused_ms / 1000)}
                " · "
                {crate::format::t_count!(i18n, activities.interruptions, focus.interruptions)}
                {focus.anomaly.then(|| view! {
                    <span class=css::anomaly role="img" data-testid="time-anomaly"
                        aria-label=move || t_string!(i18n, activities.anomaly).to_string()
                        title=move || t_string!(i18n, activities.anomaly).to_string()>" ⚠"</span>
                })}
            </p>
        </li>
    }
}
