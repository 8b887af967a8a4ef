//! Whom to consult (WBX: an agent, a queue or a number): the queue's other agents who are signed in
//! and free, the queues with such an agent, read when the picker opens, or any phone number, checked
//! beside its field by the rule the server applies.

use hovor_types::error::Rule;
use hovor_types::voice::{ConsultTargets, ConsultTo, check_number};
use leptos::prelude::*;

use super::css;
use crate::api::voice as voice_api;
use crate::components::form::rule_words;
use crate::i18n::{t, t_string, use_i18n};
use crate::state::configured::ConfiguredText;

/// The choice of the select: `agent:<id>`, `queue:<id>` or `number`.
fn target_of(value: &str, number: String) -> Option<ConsultTo> {
    let id = |prefix: &str| value.strip_prefix(prefix).and_then(|s| s.parse().ok());
    if value == "number" {
        return Some(ConsultTo::Number { number });
    }
    id("agent:")
        .map(|user_id| ConsultTo::Agent { user_id })
        .or_else(|| id("queue:").map(|queue_id| ConsultTo::Queue { queue_id }))
}

#[component]
pub fn ConsultPicker(
    id: i64,
    #[prop(into)] on_pick: Callback<ConsultTo>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let targets = LocalResource::new(move || voice_api::consult_targets(id));
    let chosen = RwSignal::new(String::new());
    let number = RwSignal::new(String::new());
    let number_error = RwSignal::new(None::<String>);
    let select = NodeRef::<leptos::html::Select>::new();
    let number_input = NodeRef::<leptos::html::Input>::new();
    // The choice first; with nobody free, the number is the only way on.
    Effect::new(move |_| {
        if let Some(input) = number_input.get()
            && chosen.get_untracked() == "number"
        {
            let _ = input.focus();
        } else if let Some(el) = select.get() {
            let _ = el.focus();
        }
    });
    let dialling = move || chosen.get() == "number";
    let call = move || {
        let Some(to) = target_of(&chosen.get_untracked(), number.get_untracked()) else { return };
        if let ConsultTo::Number { number } = &to
            && let Err(e) = check_number(number)
        {
            number_error.set(Some(match e.rule {
                Rule::Malformed => t_string!(i18n, call.number_malformed).to_string(),
                rule => rule_words(i18n, rule),
            }));
            if let Some(input) = number_input.get_untracked() {
                let _ = input.focus();
            }
            return;
        }
        on_pick.run(to);
    };
    let list = move || {
        let ConsultTargets { agents, queues } = targets.get().and_then(Result::ok)?;
        let nobody_free = agents.is_empty() && queues.is_empty();
        chosen.set(match (agents.first(), queues.first()) {
            (Some(a), _) => format!("agent:{}", a.id),
            (None, Some(q)) => format!("queue:{}", q.id),
            (None, None) => "number".to_owned(),
        });
        Some(view! {
            {nobody_free.then(|| view! { <p class=css::note role="status" data-testid="consult-none">{t!(i18n, call.consult_none)}</p> })}
            <label class=css::pick>
                <span>{t!(i18n, call.consult_target)}</span>
                <select node_ref=select data-testid="consult-target" prop:value=move || chosen.get()
                    on:change=move |ev| { chosen.set(event_target_value(&ev)); number_error.set(None); }>
                    <optgroup data-testid="consult-agents" label=move || t_string!(i18n, call.consult_agents).to_string()>
                        {agents.into_iter().map(|a| view! { <option value=format!("agent:{}", a.id)>{a.name}</option> }).collect_view()}
                    </optgroup>
                    <optgroup data-testid="consult-queues" label=move || t_string!(i18n, call.consult_queues).to_string()>
                        {queues.into_iter().map(|q| view! { <option value=format!("queue:{}", q.id)><ConfiguredText text=q.name /></option> }).collect_view()}
                    </optgroup>
                    <option value="number">{t!(i18n, call.consult_number_option)}</option>
                </select>
            </label>
        })
    };
    view! {
        <div class=css::picker data-testid="consult-picker"
            on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { on_cancel.run(()) }>
            {list}
            <Show when=dialling>
                <label class=css::pick>
                    <span>{t!(i18n, call.consult_number)}</span>
                    <input node_ref=number_input type="tel" inputmode="tel" autocomplete="off" data-testid="consult-number"
                        aria-invalid=move || number_error.with(Option::is_some).to_string()
                        aria-describedby="consult-number-error"
                        prop:value=move || number.get()
                        on:input=move |ev| { number.set(event_target_value(&ev)); number_error.set(None); }
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" { ev.prevent_default(); call(); } />
                    <span id="consult-number-error" class=css::datum_note role="alert" data-testid="consult-number-error">{move || number_error.get()}</span>
                </label>
            </Show>
            <Show when=move || targets.get().is_some()>
                <button class="button primary" data-testid="consult-call" on:click=move |_| call()>
                    {t!(i18n, call.consult_call)}
                </button>
            </Show>
            <button class="button" data-testid="consult-cancel" on:click=move |_| on_cancel.run(())>{t!(i18n, call.consult_cancel)}</button>
        </div>
    }
}
