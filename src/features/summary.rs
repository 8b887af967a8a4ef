//! The conversation summary (D365): wait time, start time, skills (channel and queue are in the
//! conversation's header), and the survey, self-service, visitor, additional details and activities tabs.

use hovor_types::conversation::{ConversationSummary, SelfServiceKind, VisitorDetails};
use leptos::prelude::*;

use crate::api::client::Encoded;
use crate::api::conversations as api;
use crate::components::lazy::{lazy_view, split_view};
use crate::components::pane::{decoded, resource_pane};
use crate::components::tabs::{Tab, Tabs};
use crate::features::activities::Activities;
use crate::format;
use crate::i18n::{t, use_i18n};
use crate::state::configured::ConfiguredText;

stylance::import_crate_style!(css, "src/features/summary.module.css");

#[component]
pub fn SummaryPanel(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let summary = LocalResource::new(move || api::summary(id));
    let render = move |s: Encoded<ConversationSummary>| lazy_view(move || summary_view(s.clone()));
    resource_pane(ViewFn::from(move || t!(i18n, summary.title)), "summary", summary, render)
}

#[component]
fn SummaryView(s: ConversationSummary) -> impl IntoView {
    let i18n = use_i18n();
    let started = s.started_at;
    let wait = s.wait_seconds;
    let selected = RwSignal::new("survey");
    let tabs = vec![
        Tab { id: "survey", label: ViewFn::from(move || t!(i18n, summary.tab_survey)) },
        Tab { id: "self-service", label: ViewFn::from(move || t!(i18n, summary.tab_self_service)) },
        Tab { id: "visitor", label: ViewFn::from(move || t!(i18n, summary.tab_visitor)) },
        Tab { id: "additional", label: ViewFn::from(move || t!(i18n, summary.tab_additional)) },
        Tab { id: "activities", label: ViewFn::from(move || t!(i18n, summary.tab_activities)) },
    ];
    let id = s.id;
    let note = s.transfer_note.clone();
    let survey = s.pre_chat_survey;
    let actions = s.self_service;
    let visitor = s.visitor;
    let details = s.additional_details;
    let panel = move || {
        match selected.get() {
        "survey" if survey.is_empty() => view! { <p class=css::muted>{t!(i18n, summary.no_survey)}</p> }.into_any(),
        "survey" => view! {
            <dl class=css::qa data-testid="survey">
                {survey.iter().map(|a| view! { <dt><ConfiguredText text=a.question.clone() /></dt><dd><ConfiguredText text=a.answer.clone() /></dd> }).collect_view()}
            </dl>
        }
        .into_any(),
        "self-service" if actions.is_empty() => view! { <p class=css::muted>{t!(i18n, summary.no_self_service)}</p> }.into_any(),
        "self-service" => view! {
            <ol class=css::actions data-testid="self-service">
                {actions
                    .iter()
                    .map(|a| {
                        let at = a.at;
                        view! {
                            <li>
                                <time class=css::muted>{move || format::date_time(i18n.get_locale(), at)}</time>
                                <span class=css::kind>{kind_label(a.kind)}</span>
                                <span>{a.detail.clone()}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        }
        .into_any(),
        "visitor" => view! { <Visitor v=visitor.clone() /> }.into_any(),
        "activities" => lazy_view(move || activities_view(id)),
        _ if details.is_empty() => view! { <p class=css::muted>{t!(i18n, summary.no_additional)}</p> }.into_any(),
        _ => view! {
            <dl class=css::qa data-testid="additional-details">
                {details.iter().map(|d| view! { <dt>{d.key.clone()}</dt><dd>{d.value.clone()}</dd> }).collect_view()}
            </dl>
        }
        .into_any(),
    }
    };
    view! {
        // Channel and queue are in the conversation's header.
        <dl class=css::facts data-testid="summary-facts">
            <div><dt>{t!(i18n, summary.wait_time)}</dt><dd>{move || format::duration(i18n.get_locale(), wait)}</dd></div>
            <div><dt>{t!(i18n, summary.start_time)}</dt><dd>{move || format::time(i18n.get_locale(), started)}</dd></div>
            <div class=css::wide><dt>{t!(i18n, summary.skills)}</dt>
                <dd class=css::skills>{s.skills.into_iter().map(|skill| view! { <span class=css::skill><ConfiguredText text=skill /></span> }).collect_view()}</dd></div>
            {s.subject.map(|subject| view! { <div class=css::wide><dt>{t!(i18n, summary.subject)}</dt><dd>{subject}</dd></div> })}
            {note.map(|note| view! { <div class=css::wide><dt>{t!(i18n, offers.note)}</dt><dd data-testid="summary-transfer-note">{note}</dd></div> })}
        </dl>
        <Tabs name="summary" tabs selected>
            {panel.clone()}
        </Tabs>
    }
}

fn kind_label(kind: SelfServiceKind) -> AnyView {
    let i18n = use_i18n();
    match kind {
        SelfServiceKind::PageVisited => t!(i18n, summary.page_visited).into_any(),
        SelfServiceKind::SearchPhrase => t!(i18n, summary.search_phrase).into_any(),
        SelfServiceKind::ArticleViewed => t!(i18n, summary.article_viewed).into_any(),
        SelfServiceKind::CustomAction => t!(i18n, summary.custom_action).into_any(),
    }
}

#[component]
fn Visitor(v: VisitorDetails) -> impl IntoView {
    let i18n = use_i18n();
    let known = move |value: Option<String>| match value {
        Some(value) => value.into_any(),
        None => t!(i18n, summary.unknown).into_any(),
    };
    view! {
        <dl class=css::pairs data-testid="visitor">
            <dt>{t!(i18n, summary.authenticated)}</dt>
            <dd>{if v.authenticated { t!(i18n, summary.yes).into_any() } else { t!(i18n, summary.no).into_any() }}</dd>
            <dt>{t!(i18n, summary.browser)}</dt>
            <dd>{known(v.browser)}</dd>
            <dt>{t!(i18n, summary.os)}</dt>
            <dd>{known(v.os)}</dd>
            <dt>{t!(i18n, summary.location)}</dt>
            <dd>{known(v.location)}</dd>
            <dt>{t!(i18n, summary.language)}</dt>
            <dd>{known(v.language)}</dd>
        </dl>
    }
}

split_view!(panes, fn summary_view(s: Encoded<ConversationSummary>) => decoded(&s, |s| view! { <SummaryView s /> }));
split_view!(panes, fn activities_view(id: i64) => view! { <Activities id /> });
