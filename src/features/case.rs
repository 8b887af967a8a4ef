//! The case (D365): the linked case edited inline under its version, search and link or Add case, and
//! the customer's recent cases with colour-coded priority and status.

use hovor_types::case::{CaseFields, CaseInfo, CasePane, CaseStatus, Priority, validate_case};
use leptos::prelude::*;

use crate::components::lazy::{lazy_view, split_view};
use leptos::task::spawn_local;

use crate::api::client::Encoded;
use crate::api::conversations as api;
use crate::api::records as records_api;
use crate::components::form::{FieldMessage, FormErrors, TextField};
use crate::components::menu::{Menu, css as menu_css};
use crate::components::pane::{decoded, resource_pane};
use crate::format;
use crate::i18n::{t, t_string, use_i18n};
use crate::state::conversation::use_open_conversation;
use crate::widgets::audit::AuditLog;
use crate::widgets::versioned::{ConflictNotice, Difference, VersionedSave, keep_changes};

stylance::import_crate_style!(css, "src/features/case.module.css");
use crate::components::form::css as form_css;
use crate::widgets::record::css as records_css;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    View,
    Find,
    Add,
}

#[component]
pub fn CasePanel(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let open = use_open_conversation();
    let cases = LocalResource::new(move || {
        open.records.track();
        api::cases(id)
    });
    let render = move |pane: Encoded<CasePane>| lazy_view(move || case_view(id, pane.clone()));
    resource_pane(ViewFn::from(move || t!(i18n, case.title)), "case", cases, render)
}

#[component]
fn CaseView(id: i64, pane: CasePane) -> impl IntoView {
    let i18n = use_i18n();
    let open = use_open_conversation();
    let mode = RwSignal::new(Mode::View);
    let errors = FormErrors::default();
    let link = Callback::new(move |case_id: Option<i64>| {
        spawn_local(async move {
            match records_api::link_case(id, case_id).await {
                Ok(_) => open.records_changed(),
                Err(e) => errors.api(&e),
            }
        });
    });
    let linked = pane.linked.map(RwSignal::new);
    let recent_shown = RwSignal::new(false);
    let recent_count = pane.recent.len();
    view! {
        {match linked {
            Some(case) => view! {
                <CaseEditor case>
                    <Menu label=ViewFn::from(move || t!(i18n, customer.options)) testid="case-options">
                        <button role="menuitem" class=menu_css::item data-testid="change-case" on:click=move |_| mode.set(Mode::Find)>{t!(i18n, case.change)}</button>
                        <button role="menuitem" class=menu_css::item data-testid="unlink-case" on:click=move |_| link.run(None)>{t!(i18n, case.unlink)}</button>
                    </Menu>
                    <RecentToggle count=recent_count shown=recent_shown />
                </CaseEditor>
            }
            .into_any(),
            None => view! {
                <p class=css::muted>{t!(i18n, case.none)}</p>
                <div class=records_css::actions>
                    <button class="button" data-testid="find-case" on:click=move |_| mode.set(Mode::Find)>{t!(i18n, case.search)}</button>
                    <button class="button" data-testid="add-case" on:click=move |_| mode.set(Mode::Add)>{t!(i18n, case.add)}</button>
                    <RecentToggle count=recent_count shown=recent_shown />
                </div>
            }
            .into_any(),
        }}
        <FieldMessage errors field="" />
        {move || match mode.get() {
            Mode::Find => lazy_view(move || case_search(link, Callback::new(move |()| mode.set(Mode::View)))).into_any(),
            Mode::Add => {
                let done = Callback::new(move |saved: bool| {
                    mode.set(Mode::View);
                    if saved { open.records_changed() }
                });
                lazy_view(move || case_form(None, Some(id), done)).into_any()
            }
            Mode::View => ().into_any(),
        }}
        <RecentCases recent=pane.recent shown=recent_shown />
    }
}

/// Opens the customer's other cases: the linked case is what the agent works on.
#[component]
fn RecentToggle(count: usize, shown: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    (count > 0).then(|| view! {
        <button type="button" class="button quiet" data-testid="recent-cases-toggle" aria-expanded=move || shown.get().to_string()
            aria-controls="recent-cases" on:click=move |_| shown.update(|s| *s = !*s)>
            {t!(i18n, case.recent_count, count = count)}
        </button>
    })
}

#[component]
fn RecentCases(recent: Vec<CaseInfo>, shown: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    if recent.is_empty() {
        return view! { <p class=css::muted>{t!(i18n, case.no_recent)}</p> }.into_any();
    }
    view! {
        <ul class=css::list id="recent-cases" data-testid="recent-cases" hidden=move || !shown.get()>
            {recent.into_iter().map(|case| view! { <li><CaseRow case linked=false /></li> }).collect_view()}
        </ul>
    }
    .into_any()
}

/// The linked case: its row, and one row of actions (Edit inline, its changes, then `children`).
#[component]
fn CaseEditor(case: RwSignal<CaseInfo>, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let editing = RwSignal::new(false);
    view! {
        {move || view! { <CaseRow case=case.get() linked=true /> }}
        {move || (!editing.get()).then(|| case.with(|c| (!c.description.is_empty()).then(|| view! {
            <p class=css::description data-testid="case-description" title=c.description.clone()>{c.description.clone()}</p>
        })))}
        <div class=css::actions>
            <button class="button" data-testid="case-edit" aria-expanded=move || editing.get().to_string()
                on:click=move |_| editing.update(|e| *e = !*e)>{t!(i18n, records.edit)}</button>
            <AuditLog record="cases" id=Signal::derive(move || case.with(|c| c.id)) version=Signal::derive(move || case.with(|c| c.version)) />
            {children()}
        </div>
        <Show when=move || editing.get()>
            {lazy_view(move || case_form(Some(case), None, Callback::new(move |_| editing.set(false))))}
        </Show>
    }
}

/// Edits `case` when given, otherwise adds one linked to the conversation.
#[component]
fn CaseForm(
    case: Option<RwSignal<CaseInfo>>,
    link_conversation: Option<i64>,
    done: Callback<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let start = case.map(|c| c.get_untracked());
    let title = RwSignal::new(start.as_ref().map(|c| c.title.clone()).unwrap_or_default());
    let priority = RwSignal::new(start.as_ref().map_or(Priority::Normal, |c| c.priority));
    let status = RwSignal::new(start.as_ref().map_or(CaseStatus::New, |c| c.status));
    let description = RwSignal::new(start.as_ref().map(|c| c.description.clone()).unwrap_or_default());
    let versioned = VersionedSave::<CaseInfo>::default();
    let VersionedSave { errors, conflict, .. } = versioned;
    // What the form opened with: re-applying after a conflict keeps only the fields the agent changed.
    let opened = StoredValue::new(start.clone());
    let save = move |version: Option<i64>| {
        let fields = CaseFields {
            version,
            title: title.get_untracked(),
            priority: priority.get_untracked(),
            status: status.get_untracked(),
            description: description.get_untracked(),
            link_conversation,
        };
        if let Err(e) = validate_case(&fields) {
            errors.field(&e);
            return;
        }
        let request = async move {
            match case {
                Some(c) => records_api::save_case(c.with_untracked(|c| c.id), &fields).await,
                None => records_api::create_case(&fields).await,
            }
        };
        versioned.send(request, move |saved| {
            if let Some(c) = case {
                c.set(saved);
            }
            done.run(true);
        });
    };
    let conflict_view = move || {
        conflict.get().map(|(c, current)| {
            let differences = vec![
                Difference {
                    label: t_string!(i18n, case.field_title).to_string(),
                    mine: title.get_untracked(),
                    theirs: current.title.clone(),
                },
                Difference {
                    label: t_string!(i18n, case.priority).to_string(),
                    mine: priority.get_untracked().as_str().into(),
                    theirs: current.priority.as_str().into(),
                },
                Difference {
                    label: t_string!(i18n, case.status).to_string(),
                    mine: status.get_untracked().as_str().into(),
                    theirs: current.status.as_str().into(),
                },
                Difference {
                    label: t_string!(i18n, case.description).to_string(),
                    mine: description.get_untracked(),
                    theirs: current.description.clone(),
                },
            ];
            let version = current.version;
            let theirs = current.clone();
            let use_theirs = Callback::new(move |()| {
                if let Some(c) = case {
                    c.set(current.clone());
                }
                conflict.set(None);
                done.run(false);
            });
            let reapply = Callback::new(move |()| {
                if let Some(was) = opened.get_value() {
                    keep_changes([title, description], &[was.title.clone(), was.description.clone()], &[
                        theirs.title.clone(),
                        theirs.description.clone(),
                    ]);
                    if priority.get_untracked() == was.priority {
                        priority.set(theirs.priority);
                    }
                    if status.get_untracked() == was.status {
                        status.set(theirs.status);
                    }
                }
                opened.set_value(Some(theirs.clone()));
                save(Some(version))
            });
            view! { <ConflictNotice changed_by=c.changed_by changed_at=c.changed_at differences use_theirs reapply /> }
        })
    };
    view! {
        <form class=records_css::form data-testid="case-form" on:submit=move |ev| {
            ev.prevent_default();
            save(case.map(|c| c.with_untracked(|c| c.version)));
        }>
            <TextField label=ViewFn::from(move || t!(i18n, case.field_title)) value=title errors field="title" />
            <label class=form_css::field>
                <span class=form_css::label>{t!(i18n, case.priority)}</span>
                <select name="priority" on:change=move |ev| { if let Some(p) = Priority::parse(&event_target_value(&ev)) { priority.set(p) } }>
                    {Priority::ALL.iter().map(|p| view! {
                        <option value=p.as_str() selected=move || priority.get() == *p>{priority_label(*p)}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class=form_css::field>
                <span class=form_css::label>{t!(i18n, case.status)}</span>
                <select name="status" on:change=move |ev| { if let Some(s) = CaseStatus::parse(&event_target_value(&ev)) { status.set(s) } }>
                    {CaseStatus::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected=move || status.get() == *s>{status_label(*s)}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class=form_css::field>
                <span class=form_css::label>{t!(i18n, case.description)}</span>
                <textarea name="description" rows="3" prop:value=move || description.get()
                    on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                <FieldMessage errors field="description" />
            </label>
            {conflict_view}
            <FieldMessage errors field="" />
            <div class=records_css::actions>
                <button type="button" class="button" on:click=move |_| done.run(false)>{t!(i18n, records.cancel)}</button>
                <button type="submit" class="button primary" data-testid="case-save">{t!(i18n, records.save)}</button>
            </div>
        </form>
    }
}

/// Search cases by number or title and link one.
#[component]
fn CaseSearch(link: Callback<Option<i64>>, close: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let query = RwSignal::new(String::new());
    let found = LocalResource::new(move || {
        let q = query.get();
        async move { if q.trim().is_empty() { Ok(Vec::new()) } else { records_api::find_cases(&q).await } }
    });
    view! {
        <div class=records_css::inset data-testid="case-search">
            <input type="search" class=records_css::search_input data-testid="case-query"
                placeholder=move || t_string!(i18n, case.search_placeholder).to_string()
                aria-label=move || t_string!(i18n, case.search_placeholder).to_string()
                on:change=move |ev| query.set(event_target_value(&ev)) />
            <ul class=css::list>
                {move || found.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|case| {
                    let id = case.id;
                    view! {
                        <li class=records_css::result>
                            <CaseRow case linked=false />
                            <button class="button" data-testid="link-case" on:click=move |_| { link.run(Some(id)); close.run(()) }>
                                {t!(i18n, case.link)}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <button class="button" on:click=move |_| close.run(())>{t!(i18n, records.cancel)}</button>
        </div>
    }
}

#[component]
fn CaseRow(case: CaseInfo, linked: bool) -> impl IntoView {
    let i18n = use_i18n();
    let created = case.created_at;
    view! {
        <div class=css::case data-linked=linked.to_string() data-testid=if linked { "linked-case" } else { "recent-case" }>
            <span class=css::title data-testid="case-title">{case.title}</span>
            <span class=css::badges>
                <span class=css::number>{case.number}</span>
                <span class=css::badge data-priority=case.priority.as_str() title=move || t_string!(i18n, case.priority).to_string()>
                    {priority_label(case.priority)}
                </span>
                <span class=css::badge data-status=case.status.as_str() title=move || t_string!(i18n, case.status).to_string()>
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

split_view!(records, fn case_form(case: Option<RwSignal<CaseInfo>>, link_conversation: Option<i64>, done: Callback<bool>) =>
    view! { <CaseForm case link_conversation done /> });
split_view!(records, fn case_search(link: Callback<Option<i64>>, close: Callback<()>) =>
    view! { <CaseSearch link close /> });
split_view!(panes, fn case_view(id: i64, pane: Encoded<CasePane>) => decoded(&pane, |pane| view! { <CaseView id pane /> }));
