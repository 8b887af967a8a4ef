//! Time zones in the browser: `Intl` reads the IANA database the browser carries, so the desk ships
//! none. Local times become instants by the rule of `hovor_types::callback`; windows are shown in the
//! customer's zone and the agent's own.

use hovor_types::Millis;
use hovor_types::callback::{Date, TimeZones, instant_of_local, local_millis};
use js_sys::{Array, Intl, Object, Reflect};
use wasm_bindgen::prelude::*;

use super::{date_value, options, tag};
use crate::i18n::Locale;

#[wasm_bindgen]
extern "C" {
    /// `Intl.DateTimeFormat(locales, options)`, which throws for a time zone the browser does not know.
    #[wasm_bindgen(catch, js_namespace = Intl, js_name = DateTimeFormat)]
    fn date_time_format(locales: &Array, options: &Object) -> Result<Intl::DateTimeFormat, JsValue>;
}

/// The zones as the browser's `Intl` knows them.
pub struct IntlZones;

impl IntlZones {
    /// The zone's offset (local − UTC) at `at`, to the second.
    fn offset_at(format: &Intl::DateTimeFormat, at: Millis) -> Option<Millis> {
        let parts = format.format_to_parts(&date_value(at).unchecked_into());
        let mut fields = [0i64; 6];
        for part in parts.iter() {
            let kind = Reflect::get(&part, &"type".into()).ok()?.as_string()?;
            let slot = ["year", "month", "day", "hour", "minute", "second"].iter().position(|k| *k == kind);
            if let Some(slot) = slot {
                fields[slot] = Reflect::get(&part, &"value".into()).ok()?.as_string()?.parse().ok()?;
            }
        }
        let [year, month, day, hour, minute, second] = fields;
        let date = Date { year: i32::try_from(year).ok()?, month: month as u8, day: day as u8 };
        let local = local_millis(date, (hour * 60 + minute) as u16) + second * 1000;
        Some(local - (at - at.rem_euclid(1000)))
    }
}

impl TimeZones for IntlZones {
    fn instant(&self, zone: &str, date: Date, minute: u16) -> Option<Millis> {
        let format = date_time_format(
            &Array::of1(&"en-US".into()),
            &options(&[
                ("timeZone", zone),
                ("hourCycle", "h23"),
                ("year", "numeric"),
                ("month", "numeric"),
                ("day", "numeric"),
                ("hour", "numeric"),
                ("minute", "numeric"),
                ("second", "numeric"),
            ]),
        )
        .ok()?;
        // Intl accepts zones outside the IANA list too (offsets such as "+01:00"): those are not offered.
        if zone.starts_with(['+', '-']) {
            return None;
        }
        instant_of_local(local_millis(date, minute), |at| Self::offset_at(&format, at))
    }
}

/// The agent's own zone, as the browser has it.
pub fn own_zone() -> String {
    let resolved = Intl::DateTimeFormat::new(&Array::new(), &Object::new()).resolved_options();
    Reflect::get(&resolved, &"timeZone".into())
        .ok()
        .and_then(|z| z.as_string())
        .unwrap_or_else(|| "UTC".into())
}

/// Every zone the browser knows, for the form's list.
pub fn all_zones() -> Vec<String> {
    let Ok(intl) = Reflect::get(&js_sys::global(), &"Intl".into()) else { return Vec::new() };
    let supported = Reflect::get(&intl, &"supportedValuesOf".into()).ok();
    let Some(function) = supported.and_then(|f| f.dyn_into::<js_sys::Function>().ok()) else {
        return Vec::new();
    };
    function
        .call1(&intl, &"timeZone".into())
        .map(|list| Array::from(&list).iter().filter_map(|z| z.as_string()).collect())
        .unwrap_or_default()
}

/// "Sat 28 Mar, 09:00–10:00" in `zone`, in the desk's language.
pub fn window(locale: Locale, zone: &str, starts_at: Millis, ends_at: Millis) -> String {
    let locales = Array::of1(&tag(locale).into());
    let day = date_time_format(
        &locales,
        &options(&[
            ("timeZone", zone),
            ("weekday", "short"),
            ("day", "numeric"),
            ("month", "short"),
            ("hour", "2-digit"),
            ("minute", "2-digit"),
        ]),
    );
    let time = date_time_format(
        &locales,
        &options(&[("timeZone", zone), ("hour", "2-digit"), ("minute", "2-digit")]),
    );
    match (day, time) {
        (Ok(day), Ok(time)) => {
            let from = day.format().call1(&day, &date_value(starts_at)).ok().and_then(|s| s.as_string());
            let to = time.format().call1(&time, &date_value(ends_at)).ok().and_then(|s| s.as_string());
            format!("{}–{}", from.unwrap_or_default(), to.unwrap_or_default())
        }
        _ => String::new(),
    }
}

/// Today's date where the agent is (the browser's own zone).
pub fn today() -> Date {
    let now = js_sys::Date::new_0();
    Date { year: now.get_full_year() as i32, month: now.get_month() as u8 + 1, day: now.get_date() as u8 }
}
