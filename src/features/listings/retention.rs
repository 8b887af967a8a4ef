//! Retention, for administrators (`?retention`, from the toolbar): the rules per queue and channel,
//! checked by `check_rules` beside the field at fault before the server checks them again; a dry run
//! that only counts; a real run, asked first; and the latest runs, each with who asked and what it did.

use std::sync::Arc;

use hovor_types::conversation::Channel;
use hovor_types::listing::Named;
use hovor_types::retention::{RetentionAction, RetentionRule, RetentionRules, RetentionRun, check_rules};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use super::strings::ListingWords;
use super::{Listing, css};
use crate::api::listings as api;
use crate::components::form::{FieldMessage, FormErrors, rule_words};
use crate::components::strings::fill;
use crate::format::date_time;
use crate::i18n::{t_string, use_i18n};

const LIST: &str = "/desk/listings";

/// One rule as edited: each part its own signal, so typing redraws nothing else.
#[derive(Clone, Copy)]
struct Edited {
    key: u32,
    queue_id: RwSignal<i64>,
    channel: RwSignal<Channel>,
    action: RwSignal<RetentionAction>,
    days: RwSignal<String>,
}

impl Edited {
    fn of(key: u32, rule: &RetentionRule) -> Edited {
        Edited {
            key,
            queue_id: RwSignal::new(rule.queue_id),
            channel: RwSignal::new(rule.channel),
            action: RwSignal::new(rule.action),
            days: RwSignal::new(rule.after_days.to_string()),
        }
    }
}

#[component]
pub fn Retention(listing: Listing, words: Arc<ListingWords>) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let rows = RwSignal::new(Vec::<Edited>::new());
    let next_key = StoredValue::new(0_u32);
    let errors = FormErrors::default();
    let said = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let asking = RwSignal::new(false);
    let runs = LocalResource::new(api::retention_runs);
    let loaded = LocalResource::new(api::retention_rules);
    Effect::new(move |_| {
        if let Some(Ok(found)) = loaded.get() {
            let edited = found.rules.iter().enumerate().map(|(n, r)| Edited::of(n as u32, r)).collect();
            next_key.set_value(found.rules.len() as u32);
            rows.set(edited);
        }
    });
    let queues = move || listing.choices.get().and_then(Result::ok).map(|c| c.queues).unwrap_or_default();
    let add = move |_| {
        let Some(first) = queues().first().map(|q| q.id) else { return };
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        let rule = RetentionRule {
            queue_id: first,
            channel: Channel::Chat,
            action: RetentionAction::Anonymise,
            after_days: 365,
        };
        rows.update(|r| r.push(Edited::of(key, &rule)));
    };
    let save = {
        let words = words.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let mut rules = Vec::new();
            for (n, row) in rows.get_untracked().iter().enumerate() {
                let days = row.days.get_untracked();
                let Ok(after_days) = days.trim().parse::<u32>() else {
                    let rule = if days.trim().is_empty() {
                        hovor_types::error::Rule::Required
                    } else {
                        hovor_types::error::Rule::Malformed
                    };
                    return errors.show(&format!("rules.{n}.after_days"), rule_words(i18n, rule));
                };
                rules.push(RetentionRule {
                    queue_id: row.queue_id.get_untracked(),
                    channel: row.channel.get_untracked(),
                    action: row.action.get_untracked(),
                    after_days,
                });
            }
            if let Err(e) = check_rules(&rules) {
                return errors.show(&e.field, rule_words(i18n, e.rule));
            }
            errors.clear();
            busy.set(true);
            let (saved, failed) = (words.rules_saved.clone(), t_string!(i18n, form.failed).to_string());
            spawn_local(async move {
                match api::set_retention_rules(&RetentionRules { rules }).await {
                    Ok(_) => {
                        let _ = said.try_set(Some(saved));
                    }
                    Err(e) => errors.answer(i18n, &e, failed),
                }
                let _ = busy.try_set(false);
            });
        }
    };
    let run = {
        let words = words.clone();
        move |dry_run: bool| {
            busy.set(true);
            asking.set(false);
            let words = words.clone();
            let failed = t_string!(i18n, form.failed).to_string();
            spawn_local(async move {
                match api::run_retention(dry_run).await {
                    Ok(done) => {
                        let _ = said.try_set(Some(run_said(&words, &done)));
                        runs.refetch();
                    }
                    Err(e) => errors.answer(i18n, &e, failed),
                }
                let _ = busy.try_set(false);
            });
        }
    };
    let close = {
        let navigate = navigate.clone();
        move || navigate(LIST, Default::default())
    };
    let on_key = {
        let close = close.clone();
        move |ev: leptos::ev::KeyboardEvent| {
            if ev.key() == "Escape" {
                ev.prevent_default();
                if asking.get_untracked() { asking.set(false) } else { close() }
            }
        }
    };
    let heading = NodeRef::<leptos::html::H2>::new();
    Effect::new(move |_| {
        if let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });
    let rule_rows = {
        let words = words.clone();
        move || {
            let queues = queues();
            rows.get()
                .into_iter()
                .enumerate()
                .map(|(n, row)| rule_row(&words, errors, &queues, rows, n, row))
                .collect_view()
        }
    };
    let no_rules = words.no_rules.clone();
    let run_list = {
        let words = words.clone();
        move || {
            let locale = i18n.get_locale();
            runs.get()
                .and_then(Result::ok)
                .unwrap_or_default()
                .into_iter()
                .map(|r| run_row(&words, locale, r))
                .collect_view()
        }
    };
    let close_outside = close.clone();
    let (head, ask) = (words.clone(), words.clone());
    let run_dry = run.clone();
    let run_real = run.clone();
    view! {
        <div class=css::backdrop on:click=move |_| close_outside()></div>
        <section class=css::detail role="dialog" aria-modal="true" aria-labelledby="retention-title"
            data-testid="retention-panel" on:keydown=on_key>
            <header class=css::detail_head>
                <h2 id="retention-title" tabindex="-1" node_ref=heading>{words.retention.clone()}</h2>
                <button type="button" class="button" data-testid="retention-close" on:click=move |_| close()>{words.close.clone()}</button>
            </header>
            <p class=css::note>{words.retention_note.clone()}</p>
            <form on:submit=save novalidate data-testid="retention-rules">
                <Show when=move || rows.with(|r| !r.is_empty()) fallback=move || view! { <p class=css::note>{no_rules.clone()}</p> }>
                    <table class=format!("{} {}", css::table, css::rules)>
                        <thead><tr>
                            <th scope="col">{head.col_queue.clone()}</th>
                            <th scope="col">{head.rule_channel.clone()}</th>
                            <th scope="col">{head.rule_action.clone()}</th>
                            <th scope="col">{head.rule_days.clone()}</th>
                            <th scope="col"></th>
                        </tr></thead>
                        <tbody>{rule_rows.clone()}</tbody>
                    </table>
                </Show>
                <div class=css::actions>
                    <button type="button" class="button" data-testid="retention-add" on:click=add>{words.add_rule.clone()}</button>
                    <button type="submit" class="button" data-testid="retention-save" disabled=move || busy.get()>{words.save_rules.clone()}</button>
                    <button type="button" class="button" data-testid="retention-dry" disabled=move || busy.get()
                        on:click=move |_| run_dry(true)>{words.dry_run.clone()}</button>
                    <button type="button" class="button danger" data-testid="retention-run" disabled=move || busy.get()
                        on:click=move |_| asking.set(true)>{words.run_now.clone()}</button>
                </div>
                <FieldMessage errors field="" />
                <FieldMessage errors field="rules" />
            </form>
            <Show when=move || asking.get()>
                <div role="alertdialog" aria-labelledby="retention-ask" class=css::confirm>
                    <p id="retention-ask">{ask.run_confirm.clone()}</p>
                    <button type="button" class="button danger" data-testid="retention-run-confirm"
                        on:click={
                            let run_real = run_real.clone();
                            move |_| run_real(false)
                        }>{ask.run_now.clone()}</button>" "
                    <button type="button" class="button" data-testid="retention-run-cancel" on:click=move |_| asking.set(false)>{ask.cancel.clone()}</button>
                </div>
            </Show>
            <p class=css::note role="status" data-testid="retention-said">{move || said.get()}</p>
            <h3>{words.runs.clone()}</h3>
            <div class=css::scroll>
                <table class=css::table data-testid="retention-runs">
                    <thead><tr>
                        <th scope="col">{words.run_started.clone()}</th>
                        <th scope="col">{words.run_kind.clone()}</th>
                        <th scope="col">{words.run_by.clone()}</th>
                        <th scope="col">{words.anonymised.clone()}</th>
                        <th scope="col">{words.deleted.clone()}</th>
                        <th scope="col">{words.old_events.clone()}</th>
                    </tr></thead>
                    <tbody>{run_list}</tbody>
                </table>
            </div>
        </section>
    }
}

fn rule_row(
    words: &ListingWords,
    errors: FormErrors,
    queues: &[Named],
    rows: RwSignal<Vec<Edited>>,
    n: usize,
    row: Edited,
) -> impl IntoView + use<> {
    let queue_options = queues
        .iter()
        .map(|q| {
            let id = q.id;
            view! { <option value=id selected=move || row.queue_id.get() == id>{q.name.clone()}</option> }
        })
        .collect_view();
    let channel_options = Channel::ALL
        .iter()
        .map(|&c| view! { <option value=c.as_str() selected=move || row.channel.get() == c>{words.channel(c).to_owned()}</option> })
        .collect_view();
    let action_options = RetentionAction::ALL
        .iter()
        .map(|&a| view! { <option value=a.as_str() selected=move || row.action.get() == a>{words.action(a).to_owned()}</option> })
        .collect_view();
    let days_field = format!("rules.{n}.after_days");
    let channel_field = format!("rules.{n}.channel");
    let days_error = errors.message(days_field.clone());
    let channel_error = errors.message(channel_field.clone());
    let queue_error = errors.message(format!("rules.{n}.queue_id"));
    let key = row.key;
    view! {
        <tr data-testid="retention-rule">
            <td>
                <select aria-label=words.col_queue.clone() on:change=move |ev| {
                    errors.clear();
                    if let Ok(id) = event_target_value(&ev).parse() { row.queue_id.set(id) }
                }>{queue_options}</select>
                {move || queue_error.get().map(|m| view! { <p class=crate::components::form::css::error role="alert">{m}</p> })}
            </td>
            <td>
                <select aria-label=words.rule_channel.clone() data-testid="retention-channel" on:change=move |ev| {
                    errors.clear();
                    if let Some(c) = Channel::parse(&event_target_value(&ev)) { row.channel.set(c) }
                }>{channel_options}</select>
                {move || channel_error.get().map(|m| view! { <p class=crate::components::form::css::error role="alert" data-field=channel_field.clone()>{m}</p> })}
            </td>
            <td>
                <select aria-label=words.rule_action.clone() data-testid="retention-action" on:change=move |ev| {
                    if let Some(a) = RetentionAction::parse(&event_target_value(&ev)) { row.action.set(a) }
                }>{action_options}</select>
            </td>
            <td>
                <input type="number" min="1" max="3650" inputmode="numeric" aria-label=words.rule_days.clone()
                    data-testid="retention-days" class=css::days
                    aria-invalid=move || days_error.with(Option::is_some).to_string()
                    prop:value=move || row.days.get() on:input=move |ev| {
                        errors.clear();
                        row.days.set(event_target_value(&ev))
                    } />
                {move || days_error.get().map(|m| view! { <p class=crate::components::form::css::error role="alert" data-field=days_field.clone()>{m}</p> })}
            </td>
            <td>
                <button type="button" class="button" data-testid="retention-remove"
                    on:click=move |_| rows.update(|r| r.retain(|e| e.key != key))>{words.remove_rule.clone()}</button>
            </td>
        </tr>
    }
}

fn run_said(words: &ListingWords, run: &RetentionRun) -> String {
    let template = if run.dry_run { &words.dry_said } else { &words.run_said };
    fill(
        template,
        &[
            ("anonymised", &run.anonymised.to_string()),
            ("deleted", &run.deleted.to_string()),
            ("events", &run.events.to_string()),
        ],
    )
}

fn run_row(words: &ListingWords, locale: crate::i18n::Locale, run: RetentionRun) -> impl IntoView + use<> {
    let kind = if run.dry_run { words.dry_run.clone() } else { words.real_run.clone() };
    view! {
        <tr data-testid="retention-run-row" data-dry=run.dry_run.to_string()>
            <td class=css::nowrap>{date_time(locale, run.started_at)}</td>
            <td>{kind}</td>
            <td>{run.user.unwrap_or_else(|| words.schedule.clone())}</td>
            <td class=css::number>{run.anonymised}</td>
            <td class=css::number>{run.deleted}</td>
            <td class=css::number>{run.events}</td>
        </tr>
    }
}
