//! Dates, times and durations in the agent's chosen language, through the browser's `Intl`
//! (it knows every locale's conventions and plural rules, and costs the app no bytes).

use js_sys::{Array, Date, Intl, Object, Reflect};
use wasm_bindgen::JsValue;

use crate::i18n::Locale;

/// Every language the app ships.
pub const LOCALES: [Locale; 4] = [Locale::en, Locale::cs, Locale::bg, Locale::uk];

/// The BCP 47 tag of an app language.
pub fn tag(locale: Locale) -> &'static str {
    match locale {
        Locale::en => "en",
        Locale::cs => "cs",
        Locale::bg => "bg",
        Locale::uk => "uk",
    }
}

fn options(pairs: &[(&str, &str)]) -> Object {
    let object = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&object, &JsValue::from_str(key), &JsValue::from_str(value));
    }
    object
}

fn date_with(locale: Locale, ms: i64, pairs: &[(&str, &str)]) -> String {
    Date::new(&JsValue::from_f64(ms as f64)).to_locale_string(tag(locale), &options(pairs)).into()
}

/// "21 Nov 2026, 14:05" in the locale's own order and words.
pub fn date_time(locale: Locale, ms: i64) -> String {
    date_with(locale, ms, &[("dateStyle", "medium"), ("timeStyle", "short")])
}

/// "14:05".
pub fn time(locale: Locale, ms: i64) -> String {
    date_with(locale, ms, &[("hour", "2-digit"), ("minute", "2-digit")])
}

/// "21 Nov 2026".
pub fn date(locale: Locale, ms: i64) -> String {
    date_with(locale, ms, &[("dateStyle", "medium")])
}

fn unit(locale: Locale, value: i64, unit: &str) -> String {
    let format = Intl::NumberFormat::new(
        &Array::of1(&JsValue::from_str(tag(locale))),
        &options(&[("style", "unit"), ("unit", unit), ("unitDisplay", "short")]),
    );
    format.format().call1(&JsValue::NULL, &JsValue::from_f64(value as f64)).ok().and_then(|v| v.as_string()).unwrap_or_default()
}

/// A span of time in its two largest units: "45 s", "3 min 20 s", "2 h 5 min", "3 days 4 h".
pub fn duration(locale: Locale, seconds: i64) -> String {
    let s = seconds.max(0);
    let parts = hovor_types::duration_parts(s);
    parts.iter().map(|(value, name)| unit(locale, *value, name)).collect::<Vec<_>>().join(" ")
}
