//! Form errors: the first broken rule of a form, shown next to its field in the agent's language, and
//! the server's answer mapped onto the same place.

use hovor_types::error::{FieldError, Reason, Rule};
use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::{Locale, t_string, use_i18n};
use leptos_i18n::I18nContext;

stylance::import_crate_style!(#[allow(dead_code)] pub css, "src/components/form.module.css");

/// A rule as a sentence.
pub fn rule_text(rule: Rule) -> String {
    rule_words(use_i18n(), rule)
}

/// A rule as a sentence in the language of `i18n`, which a task can take before it awaits.
pub fn rule_words(i18n: I18nContext<Locale>, rule: Rule) -> String {
    match rule {
        Rule::Required => t_string!(i18n, form.required).to_string(),
        Rule::TooLong { max } => t_string!(i18n, form.too_long, max = max).to_string(),
        Rule::Malformed => t_string!(i18n, form.malformed).to_string(),
        Rule::TooShort { min } => t_string!(i18n, form.too_short, min = min).to_string(),
        Rule::NotAnOption => t_string!(i18n, form.not_an_option).to_string(),
        Rule::TooSmall { min } => t_string!(i18n, form.too_small, min = min).to_string(),
        Rule::TooLarge { max } => t_string!(i18n, form.too_large, max = max).to_string(),
        Rule::Taken => t_string!(i18n, form.taken).to_string(),
        Rule::Unfilled => t_string!(i18n, form.unfilled).to_string(),
        Rule::TooSoon { minutes } => t_string!(i18n, form.too_soon, minutes = minutes).to_string(),
        Rule::TooLate { days } => t_string!(i18n, form.too_late, days = days).to_string(),
        Rule::EndsBeforeStart => t_string!(i18n, form.ends_before_start).to_string(),
    }
}

/// Why the server refused a request, in the language of `i18n`.
pub fn reason_words(i18n: I18nContext<Locale>, reason: Reason) -> String {
    match reason {
        Reason::Ended => t_string!(i18n, conflict.ended),
        Reason::NotAssigned => t_string!(i18n, conflict.not_assigned),
        Reason::NotHandling => t_string!(i18n, conflict.not_handling),
        Reason::NoContact => t_string!(i18n, conflict.no_contact),
        Reason::NoDefaultPhone => t_string!(i18n, conflict.no_default_phone),
        Reason::NoDefaultEmail => t_string!(i18n, conflict.no_default_email),
        Reason::AlreadyWrappedUp => t_string!(i18n, conflict.already_wrapped_up),
        Reason::NotEnded => t_string!(i18n, conflict.not_ended),
        Reason::AlreadyAnswered => t_string!(i18n, conflict.already_answered),
        Reason::Anonymised => t_string!(i18n, conflict.anonymised),
        Reason::CategoryNotEmpty => t_string!(i18n, conflict.category_not_empty),
        Reason::NoMailbox => t_string!(i18n, conflict.no_mailbox),
        Reason::NotEmail => t_string!(i18n, conflict.not_email),
        Reason::WrongChannel => t_string!(i18n, conflict.wrong_channel),
        Reason::NoSmtpRelay => t_string!(i18n, conflict.no_smtp_relay),
        Reason::AlreadyInvited => t_string!(i18n, conflict.already_invited),
        Reason::InvitationDeclined => t_string!(i18n, conflict.invitation_declined),
        Reason::CustomDataChanged => t_string!(i18n, conflict.custom_data_changed),
        Reason::NoMerge => t_string!(i18n, conflict.no_merge),
        Reason::ChangedSinceMerge => t_string!(i18n, conflict.changed_since_merge),
        Reason::OffersPending => t_string!(i18n, conflict.offers_pending),
        Reason::CustomerLeft => t_string!(i18n, conflict.customer_left),
        Reason::CallOnHold => t_string!(i18n, conflict.call_on_hold),
        Reason::CallRefused => t_string!(i18n, conflict.call_refused),
        Reason::NoCall => t_string!(i18n, conflict.no_call),
        Reason::OnACall => t_string!(i18n, conflict.on_a_call),
        Reason::NotEditable => t_string!(i18n, conflict.not_editable),
        Reason::SavedFirst => t_string!(i18n, conflict.saved_first),
        Reason::UnsupportedDestination => t_string!(i18n, conflict.unsupported_destination),
        Reason::CallbackStarted => t_string!(i18n, conflict.callback_started),
        Reason::CallLimitReached => t_string!(i18n, conflict.call_limit_reached),
        Reason::NotWaiting => t_string!(i18n, conflict.not_waiting),
        Reason::NoCallingQueue => t_string!(i18n, conflict.no_calling_queue),
    }
    .to_string()
}

/// A failed request as a sentence in the language of `i18n` (taken before any await, so a task that
/// outlived its component can still say what went wrong): the server's for validation and local
/// conflicts, the refusal's reason, else `fallback`.
pub fn api_text(i18n: I18nContext<Locale>, e: &ApiError, fallback: String) -> String {
    match e {
        ApiError::Validation { rule: Some(rule), .. } => rule_words(i18n, *rule),
        ApiError::Validation { message, .. } | ApiError::Conflict(message) => message.clone(),
        ApiError::Refused(reason) => reason_words(i18n, *reason),
        ApiError::RateLimited { retry_after_s } => {
            t_string!(i18n, form.rate_limited, seconds = *retry_after_s).to_string()
        }
        _ => fallback,
    }
}

/// The form's current problem: `(field, message)`; field "" is the form as a whole.
#[derive(Clone, Copy)]
pub struct FormErrors(RwSignal<Option<(String, String)>>);

impl Default for FormErrors {
    fn default() -> Self {
        FormErrors(RwSignal::new(None))
    }
}

impl FormErrors {
    pub fn clear(self) {
        self.0.set(None);
    }

    pub fn field(self, e: &FieldError) {
        self.0.set(Some((e.field.to_string(), rule_text(e.rule))));
    }

    /// A failed save: validation goes next to its field, anything else above the buttons.
    pub fn api(self, e: &ApiError) {
        let i18n = use_i18n();
        let (field, message) = match e {
            ApiError::Validation { field, rule: Some(rule), .. } => {
                (field.clone().unwrap_or_default(), rule_words(i18n, *rule))
            }
            ApiError::Validation { field, message, .. } => {
                (field.clone().unwrap_or_default(), message.clone())
            }
            ApiError::Conflict(message) => (String::new(), message.clone()),
            ApiError::Refused(reason) => (String::new(), reason_words(i18n, *reason)),
            ApiError::RateLimited { retry_after_s } => {
                (String::new(), t_string!(i18n, form.rate_limited, seconds = *retry_after_s).to_string())
            }
            ApiError::NotFound => (String::new(), t_string!(i18n, form.gone).to_string()),
            _ => (String::new(), t_string!(i18n, form.failed).to_string()),
        };
        self.0.set(Some((field, message)));
    }

    /// A failed request, from a task that may outlive its form: `i18n` and `failed` are taken before
    /// the await. A broken rule in the agent's language beside its field, the server's sentence for
    /// other refusals, else `failed`.
    pub fn answer(self, i18n: I18nContext<Locale>, e: &ApiError, failed: String) {
        let message = api_text(i18n, e, failed);
        self.show(e.field().unwrap_or(""), message);
    }

    /// A message already in words (a task that outlived its component cannot translate).
    pub fn show(self, field: &str, message: String) {
        let _ = self.0.try_set(Some((field.to_owned(), message)));
    }

    pub fn message(self, field: impl Into<String>) -> Signal<Option<String>> {
        let (errors, field) = (self.0, field.into());
        Signal::derive(move || {
            errors.with(|e| e.as_ref().filter(|(f, _)| *f == field).map(|(_, m)| m.clone()))
        })
    }

    pub fn any(self) -> bool {
        self.0.with(Option::is_some)
    }
}

/// The error under one input (or the whole form for `field = ""`), announced to screen readers.
#[component]
pub fn FieldMessage(errors: FormErrors, field: &'static str) -> impl IntoView {
    let message = errors.message(field);
    move || {
        message.get().map(|m| {
            view! { <p class=css::error role="alert" data-field=field>{m}</p> }
        })
    }
}

/// A labelled text input bound to `value`, with its error below.
#[component]
pub fn TextField(
    label: ViewFn,
    value: RwSignal<String>,
    errors: FormErrors,
    field: &'static str,
    #[prop(default = "text")] kind: &'static str,
) -> impl IntoView {
    let invalid = errors.message(field);
    view! {
        <label class=css::field>
            <span class=css::label>{label.run()}</span>
            <input
                type=kind
                name=field
                prop:value=move || value.get()
                aria-invalid=move || invalid.with(Option::is_some).to_string()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <FieldMessage errors field />
        </label>
    }
}
