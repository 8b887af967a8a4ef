//! An interaction's detail (the row's eye, or `?activityDetail=<unique name>`): its contact and case
//! with their actions, its fields, the agents' activities with focus time, interruptions and DAK's time-anomaly triangle, and the processing path,
//! each step timed. Escape or Close returns to the list as it was.

use std::sync::Arc;

use hovor_types::listing::{ActivityDetail, InteractionDetail, ProcessingStep};
use hovor_types::retention::may_anonymise;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::anonymise::Anonymise;
use super::css;
use super::strings::ListingWords;
use crate::api::ApiError;
use crate::api::listings as api;
use crate::components::strings::fill;
use crate::format::{date_time, duration};
use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::state::configured::{ConfiguredText, use_configured};
use crate::state::session::{SessionState, use_session};
use crate::widgets::feedback::FeedbackAnswers;

const LIST: &str = "/desk/listings";

#[component]
pub fn Detail(
    name: String,
    words: Arc<ListingWords>,
    /// Opened from the row's "+": the contact search is open at once.
    pairing: bool,
    /// A link changed: the list shows it too.
    on_changed: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let detail = LocalResource::new({
        let name = name.clone();
        move || {
            let name = name.clone();
            async move { api::detail(&name).await }
        }
    });
    let heading = NodeRef::<leptos::html::H2>::new();
    Effect::new(move |_| {
        if let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });
    let close = {
        let navigate = navigate.clone();
        move || navigate(LIST, Default::default())
    };
    let on_key = {
        let close = close.clone();
        move |ev: leptos::ev::KeyboardEvent| {
            if ev.key() == "Escape" {
                ev.prevent_default();
                close();
            }
        }
    };
    // What a link's change said, kept while the detail reloads with it.
    let said = RwSignal::new(None::<String>);
    let anonymiser =
        matches!(use_session().0.get_untracked(), SessionState::SignedIn(me) if may_anonymise(me.role));
    let body = {
        let words = words.clone();
        move || {
            match detail.get() {
            None => view! { <p class=css::note role="status">{t!(i18n, pane.loading)}</p> }.into_any(),
            Some(Err(ApiError::NotFound)) => {
                view! { <p class=css::problem role="alert" data-testid="detail-not-found">{words.not_found.clone()}</p> }.into_any()
            }
            Some(Err(_)) => view! {
                <p class=css::problem role="alert">{t_string!(i18n, pane.error)}</p>
                <button type="button" class="button" on:click=move |_| detail.refetch()>{t!(i18n, pane.retry)}</button>
            }
            .into_any(),
            Some(Ok(found)) => {
                let anonymised = found.interaction.anonymised;
                let relinked = Callback::new(move |()| {
                    detail.refetch();
                    on_changed.run(());
                });
                view! {
                    {anonymised.then(|| view! {
                        <p class=css::note role="status" data-testid="detail-anonymised">{words.anonymise_done.clone()}</p>
                    })}
                    <super::links::Links row=found.interaction.clone() words=words.clone() pairing said on_changed=relinked />
                    {drawn(i18n.get_locale_untracked(), &words, found)}
                }
                .into_any()
            }
        }
        }
    };
    // Drawn apart from the body, which is drawn again when a link changes: a review being written
    // stays while the detail reloads.
    let reviewed = Memo::new(move |was: Option<&Option<(i64, bool)>>| match detail.get() {
        Some(Ok(found)) => Some((found.interaction.id, found.interaction.anonymised)),
        Some(Err(_)) => None,
        None => was.copied().flatten(),
    });
    let interaction_id = Memo::new(move |_| reviewed.get().map(|(id, _)| id));
    let reviews = {
        let words = words.clone();
        move || {
            interaction_id.get().map(
                |interaction_id| view! { <super::reviews::Reviews interaction_id words=words.clone() /> },
            )
        }
    };
    let anonymise = {
        let (words, name) = (words.clone(), name.clone());
        move || {
            reviewed.get().filter(|(_, anonymised)| anonymiser && !anonymised).map(|(interaction_id, _)| view! {
            <Anonymise interaction_id name=name.clone() words=words.clone() on_done=Callback::new(move |_| detail.refetch()) />
        })
        }
    };
    let close_outside = close.clone();
    view! {
        <div class=css::backdrop on:click=move |_| close_outside()></div>
        <section class=css::detail role="dialog" aria-modal="true" aria-labelledby="listing-detail-title"
            data-testid="listing-detail-panel" data-name=name.clone() on:keydown=on_key>
            <header class=css::detail_head>
                <h2 id="listing-detail-title" tabindex="-1" node_ref=heading>{fill(&words.detail, &[("name", &name)])}</h2>
                <button type="button" class="button" data-testid="detail-close" on:click=move |_| close()>{words.close.clone()}</button>
            </header>
            {body}
            {reviews}
            {anonymise}
        </section>
    }
}

fn drawn(locale: Locale, words: &ListingWords, found: InteractionDetail) -> impl IntoView {
    let row = found.interaction;
    let configured = use_configured();
    let fields = [
        (words.col_time.clone(), date_time(locale, row.at)),
        (words.col_queue.clone(), configured.text(&row.queue.name)),
        (words.col_user.clone(), row.user.map(|u| u.name).unwrap_or_default()),
        (words.col_title.clone(), row.title),
        (words.direction.clone(), words.direction(row.direction).to_owned()),
        (words.col_status.clone(), words.status(row.status).to_owned()),
        (words.col_attachments.clone(), row.attachments.to_string()),
    ]
    .into_iter()
    .map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> })
    .collect_view();
    let activities = if found.activities.is_empty() {
        view! { <p class=css::note>{words.no_activities.clone()}</p> }.into_any()
    } else {
        let rows = found.activities.into_iter().map(|a| activity_row(locale, words, a)).collect_view();
        view! {
            <div class=css::scroll>
                <table class=css::table data-testid="detail-activities">
                    <thead><tr>
                        <th scope="col">{words.agent.clone()}</th>
                        <th scope="col">{words.col_queue.clone()}</th>
                        <th scope="col">{words.accepted.clone()}</th>
                        <th scope="col">{words.wrapped_up.clone()}</th>
                        <th scope="col">{words.focus.clone()}</th>
                        <th scope="col">{words.interruptions.clone()}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let path = if found.path.is_empty() {
        view! { <p class=css::note>{words.no_path.clone()}</p> }.into_any()
    } else {
        let steps = found.path.into_iter().map(|step| step_item(locale, words, step)).collect_view();
        view! { <ol class=css::path data-testid="detail-path">{steps}</ol> }.into_any()
    };
    let feedback = (!found.feedback.is_empty()).then(|| {
        view! {
            <h3>{words.feedback.clone()}</h3>
            <FeedbackAnswers answers=found.feedback />
        }
    });
    view! {
        <dl class=css::fields data-testid="detail-fields">{fields}</dl>
        {feedback}
        <h3>{words.activities.clone()}</h3>
        {activities}
        <h3>{words.path.clone()}</h3>
        {path}
    }
}

fn activity_row(locale: Locale, words: &ListingWords, activity: ActivityDetail) -> impl IntoView {
    let wrap_up = [
        activity.wrapped_up_at.map(|at| date_time(locale, at)),
        activity.wrap_up_reason,
        activity.transfer_note.map(|note| format!("{}: {note}", words.transfer_note)),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let anomaly = activity.time_anomaly.then(|| {
        view! { <span class=css::anomaly role="img" aria-label=words.anomaly.clone() title=words.anomaly.clone()
            data-testid="time-anomaly">"⚠"</span> }
    });
    view! {
        <tr data-testid="detail-activity" data-name=activity.unique_name>
            <td>{activity.user.name}</td>
            <td><ConfiguredText text=activity.queue.name /></td>
            <td class=css::nowrap>{date_time(locale, activity.accepted_at)}</td>
            <td>{wrap_up}</td>
            <td class=css::nowrap data-testid="focus-time">{duration(locale, activity.focus_ms / 1000)}" "{anomaly}</td>
            <td class=css::number>{activity.interruptions}</td>
        </tr>
    }
}

fn step_item(locale: Locale, words: &ListingWords, step: ProcessingStep) -> impl IntoView {
    let queue = step.queue.map(|queue| use_configured().text(&queue));
    let who = [queue, step.user].into_iter().flatten().collect::<Vec<_>>().join(" · ");
    let ronas = (step.ronas > 0).then(|| fill(&words.ronas, &[("count", &step.ronas.to_string())]));
    view! {
        <li data-testid="detail-step" data-kind=step.kind.as_str()>
            <span class=css::nowrap>{date_time(locale, step.at)}</span>" "
            <strong>{words.step(step.kind).to_owned()}</strong>" "
            <span>{who}</span>
            {ronas.map(|r| view! { " " <span class=css::muted>{r}</span> })}
        </li>
    }
}
