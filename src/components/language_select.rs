//! Switches the UI language; the choice is remembered by leptos_i18n's cookie.

use leptos::prelude::*;

use crate::format::{LOCALES, tag};
use crate::i18n::{Locale, t, use_i18n};

stylance::import_crate_style!(css, "src/components/language_select.module.css");

/// Each language named in itself, as language pickers conventionally do.
fn endonym(locale: Locale) -> &'static str {
    match locale {
        Locale::en => "English",
        Locale::cs => "Čeština",
        Locale::bg => "Български",
        Locale::uk => "Українська",
    }
}

#[component]
pub fn LanguageSelect() -> impl IntoView {
    let i18n = use_i18n();
    let on_change = move |ev| {
        let value = event_target_value(&ev);
        if let Some(locale) = LOCALES.into_iter().find(|l| tag(*l) == value) {
            i18n.set_locale(locale);
        }
    };
    view! {
        <label class=css::label>
            <span class=css::caption>{t!(i18n, language)}</span>
            <select class=css::select data-testid="language" on:change=on_change>
                {LOCALES
                    .map(|locale| {
                        view! {
                            <option value=tag(locale) selected=move || i18n.get_locale() == locale>
                                {endonym(locale)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}
