//! Dates, times and durations in the agent's chosen language, through the browser's `Intl`
//! (it knows every locale's conventions and plural rules, and costs the app no bytes).
//! Formatters are expensive to create and cheap to use, so each is made once and kept.

pub mod zones;

use std::cell::RefCell;
use std::collections::HashMap;

use js_sys::{Array, Date, Function, Intl, Object, Reflect};
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

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Style {
    DateTime,
    Date,
    Time,
    Unit(&'static str),
}

thread_local! {
    static FORMATTERS: RefCell<HashMap<(Locale, Style), Function>> = RefCell::new(HashMap::new());
}

/// An `Intl` options object of string values.
pub(crate) fn options(pairs: &[(&str, &str)]) -> Object {
    let object = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&object, &JsValue::from_str(key), &JsValue::from_str(value));
    }
    object
}

/// The bound `format` function of the locale's formatter for `style`.
fn formatter(locale: Locale, style: Style) -> Function {
    FORMATTERS.with(|cache| {
        cache
            .borrow_mut()
            .entry((locale, style))
            .or_insert_with(|| {
                let locales = Array::of1(&JsValue::from_str(tag(locale)));
                match style {
                    Style::DateTime => Intl::DateTimeFormat::new(
                        &locales,
                        &options(&[("dateStyle", "medium"), ("timeStyle", "short")]),
                    )
                    .format(),
                    Style::Date => {
                        Intl::DateTimeFormat::new(&locales, &options(&[("dateStyle", "medium")])).format()
                    }
                    Style::Time => Intl::DateTimeFormat::new(
                        &locales,
                        &options(&[("hour", "2-digit"), ("minute", "2-digit")]),
                    )
                    .format(),
                    Style::Unit(unit) => Intl::NumberFormat::new(
                        &locales,
                        &options(&[("style", "unit"), ("unit", unit), ("unitDisplay", "short")]),
                    )
                    .format(),
                }
            })
            .clone()
    })
}

/// The plural categories of the app's languages (CLDR): English and Bulgarian use one and other,
/// Czech and Ukrainian also few and many.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Plural {
    One,
    Few,
    Many,
    Other,
}

thread_local! {
    static PLURAL_RULES: RefCell<HashMap<Locale, Intl::PluralRules>> = RefCell::new(HashMap::new());
}

/// Which plural form `n` takes in the locale, by the browser's `Intl.PluralRules`.
pub fn plural(locale: Locale, n: f64) -> Plural {
    let category = PLURAL_RULES.with(|cache| {
        cache
            .borrow_mut()
            .entry(locale)
            .or_insert_with(|| {
                Intl::PluralRules::new(&Array::of1(&JsValue::from_str(tag(locale))), &Object::new())
            })
            .select(n)
    });
    match String::from(category).as_str() {
        "one" => Plural::One,
        "few" => Plural::Few,
        "many" => Plural::Many,
        _ => Plural::Other,
    }
}

/// A counted text in the agent's language with the plural form the count takes: the key holds
/// `one`, `few`, `many` and `other` (so there is no "1 interruptions" and no wrong Czech form).
/// `t_count!(i18n, offers.accept_all, n)`, with more variables after the count: `, name = value`.
macro_rules! t_count {
    ($i18n:expr, $($key:ident).+, $count:expr $(, $name:ident = $value:expr)*) => {{
        let count = $count;
        match $crate::format::plural($i18n.get_locale(), count as f64) {
            $crate::format::Plural::One => $crate::i18n::t!($i18n, $($key).+.one, count = count $(, $name = $value)*).into_any(),
            $crate::format::Plural::Few => $crate::i18n::t!($i18n, $($key).+.few, count = count $(, $name = $value)*).into_any(),
            $crate::format::Plural::Many => $crate::i18n::t!($i18n, $($key).+.many, count = count $(, $name = $value)*).into_any(),
            $crate::format::Plural::Other => $crate::i18n::t!($i18n, $($key).+.other, count = count $(, $name = $value)*).into_any(),
        }
    }};
}
pub(crate) use t_count;

fn apply(locale: Locale, style: Style, value: JsValue) -> String {
    formatter(locale, style)
        .call1(&JsValue::NULL, &value)
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

pub(crate) fn date_value(ms: i64) -> JsValue {
    Date::new(&JsValue::from_f64(ms as f64)).into()
}

/// "21 Nov 2026, 14:05" in the locale's own order and words.
pub fn date_time(locale: Locale, ms: i64) -> String {
    apply(locale, Style::DateTime, date_value(ms))
}

/// "14:05".
pub fn time(locale: Locale, ms: i64) -> String {
    apply(locale, Style::Time, date_value(ms))
}

/// "21 Nov 2026".
pub fn date(locale: Locale, ms: i64) -> String {
    apply(locale, Style::Date, date_value(ms))
}

/// A running timer: "0:42", "12:05", "1:02:09".
pub fn stopwatch(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") }
}

/// A span of time in its two largest units: "45 s", "3 min 20 s", "2 h 5 min", "3 days 4 h".
pub fn duration(locale: Locale, seconds: i64) -> String {
    hovor_types::duration_parts(seconds)
        .into_iter()
        .map(|(value, unit)| apply(locale, Style::Unit(unit), JsValue::from_f64(value as f64)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A file's size: "640 kB", "12.5 MB".
pub fn size(locale: Locale, bytes: u64) -> String {
    let (value, unit) = match bytes {
        0..1_000_000 => ((bytes / 1000) as f64, "kilobyte"),
        _ => ((bytes / 100_000) as f64 / 10.0, "megabyte"),
    };
    apply(locale, Style::Unit(unit), JsValue::from_f64(value))
}
