//! The Advanced filter (DAK): conditions on any column, each a column, a comparison fitting it and a
//! value, applied with the other filters by Search after `advanced::check`, the server's own rules.

use hovor_types::listing::advanced::{
    AdvancedColumn, CONDITIONS_MAX, ColumnKind, Condition, Operator, VALUE_MAX,
};
use leptos::prelude::*;

use super::css;
use super::strings::ListingWords;
use crate::components::form::FormErrors;
use crate::components::strings::fill;

/// One condition as edited: each part its own signal, so typing redraws nothing else.
#[derive(Clone, Copy)]
pub struct Edited {
    key: u32,
    column: RwSignal<AdvancedColumn>,
    op: RwSignal<Operator>,
    value: RwSignal<String>,
}

/// The conditions being edited, and whether their panel is open.
#[derive(Clone, Copy)]
pub struct Conditions {
    rows: RwSignal<Vec<Edited>>,
    next_key: StoredValue<u32>,
    pub open: RwSignal<bool>,
}

impl Conditions {
    /// The conditions a query carries (`advanced=[…]`).
    pub fn of(advanced: Option<&str>) -> Conditions {
        let list: Vec<Condition> =
            advanced.and_then(|json| serde_json::from_str(json).ok()).unwrap_or_default();
        let rows = list.iter().enumerate().map(|(n, c)| edited(n as u32, c)).collect::<Vec<_>>();
        Conditions {
            next_key: StoredValue::new(rows.len() as u32),
            rows: RwSignal::new(rows),
            open: RwSignal::new(false),
        }
    }

    /// The conditions as written, in order.
    pub fn list(self) -> Vec<Condition> {
        self.rows.with_untracked(|rows| {
            rows.iter()
                .map(|r| Condition {
                    column: r.column.get_untracked(),
                    op: r.op.get_untracked(),
                    value: r.value.get_untracked(),
                })
                .collect()
        })
    }

    fn add(self) {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        let first = Condition { column: AdvancedColumn::Title, op: Operator::Contains, value: String::new() };
        self.rows.update(|rows| rows.push(edited(key, &first)));
    }
}

fn edited(key: u32, c: &Condition) -> Edited {
    Edited {
        key,
        column: RwSignal::new(c.column),
        op: RwSignal::new(c.op),
        value: RwSignal::new(c.value.clone()),
    }
}

/// The filter's disclosure: its conditions (as many as are set, in its summary) and Add condition.
#[component]
pub fn AdvancedFilter(
    conditions: Conditions,
    errors: FormErrors,
    words: std::sync::Arc<ListingWords>,
) -> impl IntoView {
    let summary = {
        let words = words.clone();
        move || match conditions.rows.with(Vec::len) {
            0 => words.advanced.clone(),
            n => fill(&words.advanced_count, &[("count", &n.to_string())]),
        }
    };
    let rows = {
        let words = words.clone();
        move || {
            conditions
                .rows
                .get()
                .into_iter()
                .enumerate()
                .map(|(n, row)| condition_row(&words, errors, conditions, n, row))
                .collect_view()
        }
    };
    let full = move || conditions.rows.with(Vec::len) >= CONDITIONS_MAX;
    // A button that stays in place and the conditions in a row of their own below the filters: an
    // editor of several inputs needs the width a drop-down would not have near the page's edge.
    view! {
        <button type="button" class="button" data-testid="listing-advanced" aria-controls="listing-conditions"
            aria-expanded=move || conditions.open.get().to_string()
            on:click=move |_| conditions.open.update(|o| *o = !*o)>{summary}</button>
        <div id="listing-conditions" class=css::conditions data-testid="listing-conditions"
            hidden=move || !conditions.open.get()>
            {rows}
            <button type="button" class="button" data-testid="advanced-add" disabled=full
                on:click=move |_| conditions.add()>{words.add_condition.clone()}</button>
        </div>
    }
}

fn condition_row(
    words: &ListingWords,
    errors: FormErrors,
    conditions: Conditions,
    n: usize,
    row: Edited,
) -> impl IntoView + use<> {
    let columns = AdvancedColumn::ALL
        .iter()
        .map(|&c| view! { <option value=c.as_str() selected=move || row.column.get() == c>{words.column(c).to_owned()}</option> })
        .collect_view();
    let operators = {
        let names: Vec<(Operator, String)> =
            Operator::ALL.iter().map(|&op| (op, words.operator(op).to_owned())).collect();
        move || {
            let offered = row.column.get().operators();
            names
                .iter()
                .filter(|(op, _)| offered.contains(op))
                .map(|(op, name)| {
                    let op = *op;
                    view! { <option value=op.as_str() selected=move || row.op.get() == op>{name.clone()}</option> }
                })
                .collect_view()
        }
    };
    let value_field = format!("advanced[{n}].value");
    let value_error = errors.message(value_field.clone());
    let op_error = errors.message(format!("advanced[{n}].op"));
    let value_label = words.value.clone();
    let choice_words: Vec<(&'static str, String)> =
        [AdvancedColumn::Status, AdvancedColumn::Direction, AdvancedColumn::EmailState]
            .iter()
            .flat_map(|c| match c.kind() {
                ColumnKind::Choice(values) => values.to_vec(),
                _ => Vec::new(),
            })
            .map(|v| (v, words.choice(v).to_owned()))
            .collect();
    let value_input = move || {
        if !row.op.get().takes_value() {
            return ().into_any();
        }
        let invalid = move || value_error.with(Option::is_some).to_string();
        match row.column.get().kind() {
            ColumnKind::Choice(values) => {
                let options = values
                    .iter()
                    .map(|v| {
                        let name = choice_words.iter().find(|(c, _)| c == v).map_or(*v, |(_, w)| w.as_str()).to_owned();
                        let v = *v;
                        view! { <option value=v selected=move || row.value.get() == v>{name}</option> }
                    })
                    .collect_view();
                view! {
                    <select aria-label=value_label.clone() data-testid="advanced-value" aria-invalid=invalid
                        on:change=move |ev| row.value.set(event_target_value(&ev))>{options}</select>
                }
                .into_any()
            }
            kind => view! {
                <input type=if kind == ColumnKind::Number { "number" } else { "text" } aria-label=value_label.clone()
                    data-testid="advanced-value" maxlength=VALUE_MAX aria-invalid=invalid
                    prop:value=move || row.value.get() on:input=move |ev| {
                        errors.clear();
                        row.value.set(event_target_value(&ev))
                    } />
            }
            .into_any(),
        }
    };
    let on_column = move |ev| {
        let Some(column) = AdvancedColumn::parse(&event_target_value(&ev)) else { return };
        errors.clear();
        row.column.set(column);
        row.op.set(column.operators()[0]);
        // A choice column starts on its first value, so the select shows what will be sent.
        row.value.set(match column.kind() {
            ColumnKind::Choice(values) => values[0].to_owned(),
            _ => String::new(),
        });
    };
    let key = row.key;
    let error = move || {
        value_error.get().or_else(|| op_error.get()).map(|m| {
            view! { <p class=crate::components::form::css::error role="alert" data-field=value_field.clone()>{m}</p> }
        })
    };
    view! {
        <div class=css::condition data-testid="advanced-condition">
            <select aria-label=words.column.clone() data-testid="advanced-column" on:change=on_column>{columns}</select>
            <select aria-label=words.operator.clone() data-testid="advanced-op"
                on:change=move |ev| {
                    errors.clear();
                    if let Some(op) = Operator::parse(&event_target_value(&ev)) { row.op.set(op) }
                }>{operators}</select>
            {value_input}
            <button type="button" class="button" data-testid="advanced-remove" aria-label=words.remove_condition.clone()
                on:click=move |_| {
                    errors.clear();
                    conditions.rows.update(|r| r.retain(|e| e.key != key))
                }>"×"</button>
            {error}
        </div>
    }
}
