//! Transfer a chat to another queue or to an available colleague, with a note they see on the
//! popover and in the summary. The agent's own activity ends here; their wrap-up follows.

use hovor_types::error::Rule;
use hovor_types::wrap_up::{NOTE_MAX_CHARS, TransferRequest, validate_transfer};
use leptos::prelude::*;

use crate::components::form::{api_text, rule_words};
use crate::components::lazy::{lazy_view, split_view};
use leptos::task::spawn_local;

use crate::api::routing as api;
use crate::components::icon::{Glyph, Icon};
use crate::i18n::{t, t_string, use_i18n};
use crate::state::configured::ConfiguredText;
use crate::state::live::use_live;

stylance::import_crate_style!(css, "src/features/transfer.module.css");

/// `call`: the conversation is a call, which may also go to a phone number outside Hovor.
#[component]
pub fn TransferButton(id: i64, #[prop(into)] call: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    view! {
        <button class="button" data-testid="transfer" aria-expanded=move || open.get().to_string()
            on:click=move |_| open.update(|o| *o = !*o)>
            <Icon glyph=Glyph::Transfer />
            {t!(i18n, transfer.open)}
        </button>
        {move || open.get().then(|| lazy_view(move || transfer_form(id, open, call)))}
    }
}

/// `queue:<id>`, `agent:<id>` or `number` into a request.
fn request_for(target: &str, number: String, note: String) -> TransferRequest {
    let id = |prefix: &str| target.strip_prefix(prefix).and_then(|s| s.parse().ok());
    let number = (target == "number").then_some(number);
    TransferRequest { queue_id: id("queue:"), agent_id: id("agent:"), number, note }
}

#[component]
fn TransferForm(id: i64, open: RwSignal<bool>, call: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    let targets = LocalResource::new(move || api::transfer_targets(id));
    let target = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let number = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let number_error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = request_for(&target.get_untracked(), number.get_untracked(), note.get_untracked());
        if let Err(e) = validate_transfer(&request) {
            match (e.field.as_ref(), e.rule) {
                ("number", Rule::Malformed) => {
                    number_error.set(Some(t_string!(i18n, call.number_malformed).to_string()))
                }
                ("number", rule) => number_error.set(Some(rule_words(i18n, rule))),
                (_, Rule::TooLong { max }) => {
                    error.set(Some(t_string!(i18n, transfer.note_too_long, max = max).to_string()))
                }
                _ => error.set(Some(t_string!(i18n, transfer.choose).to_string())),
            }
            return;
        }
        spawn_local(async move {
            match api::transfer(id, &request).await {
                Ok(()) => {
                    open.set(false);
                    live.work_changed();
                }
                Err(e) => error.set(Some(api_text(i18n, &e, t_string!(i18n, transfer.failed).to_string()))),
            }
        });
    };
    let options = move || {
        targets.get().and_then(Result::ok).map(|t| {
            view! {
                <optgroup label=move || t_string!(i18n, transfer.agents).to_string()>
                    {t.agents.into_iter().map(|a| view! { <option value=format!("agent:{}", a.id)>{a.name}</option> }).collect_view()}
                </optgroup>
                <optgroup label=move || t_string!(i18n, transfer.queues).to_string()>
                    {t.queues.into_iter().map(|q| view! { <option value=format!("queue:{}", q.id)><ConfiguredText text=q.name /></option> }).collect_view()}
                </optgroup>
                {move || call.get().then(|| view! { <option value="number">{t!(i18n, call.consult_number_option)}</option> })}
            }
        })
    };
    view! {
        <form class=css::form data-testid="transfer-form" on:submit=submit>
            <label class=css::field>
                <span>{t!(i18n, transfer.to)}</span>
                <select data-testid="transfer-target" prop:value=move || target.get()
                    on:change=move |ev| { target.set(event_target_value(&ev)); error.set(None); number_error.set(None); }>
                    <option value="">{t!(i18n, transfer.choose_target)}</option>
                    {options}
                </select>
            </label>
            <Show when=move || target.get() == "number">
                <label class=css::field>
                    <span>{t!(i18n, call.consult_number)}</span>
                    <input type="tel" inputmode="tel" autocomplete="off" data-testid="transfer-number"
                        aria-invalid=move || number_error.with(Option::is_some).to_string()
                        aria-describedby="transfer-number-error" prop:value=move || number.get()
                        on:input=move |ev| { number.set(event_target_value(&ev)); number_error.set(None); } />
                    <span id="transfer-number-error" class=css::error role="alert" data-testid="transfer-number-error">{move || number_error.get()}</span>
                </label>
            </Show>
            <label class=css::field>
                <span>{t!(i18n, transfer.note)}</span>
                <textarea rows="2" maxlength=NOTE_MAX_CHARS prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev))></textarea>
            </label>
            <p class=css::error role="alert">{move || error.get()}</p>
            <div class=css::actions>
                <button type="submit" class="button primary" data-testid="submit-transfer">{t!(i18n, transfer.submit)}</button>
                <button type="button" class="button" on:click=move |_| open.set(false)>{t!(i18n, transfer.cancel)}</button>
            </div>
        </form>
    }
}

split_view!(handling, fn transfer_form(id: i64, open: RwSignal<bool>, call: Signal<bool>) => view! { <TransferForm id open call /> });
