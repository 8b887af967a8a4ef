//! The case linked to the conversation and the customer's recent cases, priority and status colour-coded.

use hovor_types::case::{CaseInfo, CasePane, CaseStatus, Priority};
use leptos::prelude::*;

use crate::api::conversations as api;
use crate::components::pane::resource_pane;
use crate::format;
use crate::i18n::{t, use_i18n};

stylance::import_crate_style!(css, "src/features/case.module.css");

#[component]
pub fn CasePanel(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let cases = LocalResource::new(move || api::cases(id));
    let render = move |pane: CasePane| {
        let i18n = use_i18n();
        view! {
            {match pane.linked {
                Some(case) => view! { <CaseRow case linked=true /> }.into_any(),
                None => view! { <p class=css::muted>{t!(i18n, case.none)}</p> }.into_any(),
            }}
            <h3 class=css::subhead>{t!(i18n, case.recent)}</h3>
            {if pane.recent.is_empty() {
                view! { <p class=css::muted>{t!(i18n, case.no_recent)}</p> }.into_any()
            } else {
                view! {
                    <ul class=css::list data-testid="recent-cases">
                        {pane.recent.into_iter().map(|case| view! { <li><CaseRow case linked=false /></li> }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        }
    };
    resource_pane(ViewFn::from(move || t!(i18n, case.title)), "case", cases, render)
}

#[component]
fn CaseRow(case: CaseInfo, linked: bool) -> impl IntoView {
    let i18n = use_i18n();
    let created = case.created_at;
    view! {
        <div class=css::case data-linked=linked.to_string() data-testid=if linked { "linked-case" } else { "recent-case" }>
            <span class=css::number>{case.number}</span>
            <span class=css::title>{case.title}</span>
            <span class=css::badges>
                <span class=css::badge data-priority=case.priority.as_str() title=move || crate::i18n::t_string!(i18n, case.priority).to_string()>
                    {priority_label(case.priority)}
                </span>
                <span class=css::badge data-status=case.status.as_str() title=move || crate::i18n::t_string!(i18n, case.status).to_string()>
                    {status_label(case.status)}
                </span>
                <time class=css::muted>{move || format::date(i18n.get_locale(), created)}</time>
            </span>
        </div>
    }
}

fn priority_label(p: Priority) -> AnyView {
    let i18n = use_i18n();
    match p {
        Priority::Low => t!(i18n, case.priority_low).into_any(),
        Priority::Normal => t!(i18n, case.priority_normal).into_any(),
        Priority::High => t!(i18n, case.priority_high).into_any(),
        Priority::Urgent => t!(i18n, case.priority_urgent).into_any(),
    }
}

fn status_label(s: CaseStatus) -> AnyView {
    let i18n = use_i18n();
    match s {
        CaseStatus::New => t!(i18n, case.status_new).into_any(),
        CaseStatus::Open => t!(i18n, case.status_open).into_any(),
        CaseStatus::Pending => t!(i18n, case.status_pending).into_any(),
        CaseStatus::Resolved => t!(i18n, case.status_resolved).into_any(),
        CaseStatus::Closed => t!(i18n, case.status_closed).into_any(),
    }
}
