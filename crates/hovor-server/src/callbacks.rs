//! Callbacks on the server: the time-zone database their windows are read with.

use hovor_types::Millis;
use hovor_types::callback::{Date, TimeZones};
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

/// The IANA database built into the binary (jiff's bundle), so every instance agrees.
pub struct BundledZones;

impl TimeZones for BundledZones {
    fn instant(&self, zone: &str, date: Date, minute: u16) -> Option<Millis> {
        let zone = TimeZone::get(zone).ok()?;
        let local = DateTime::new(
            i16::try_from(date.year).ok()?,
            date.month as i8,
            date.day as i8,
            (minute / 60) as i8,
            (minute % 60) as i8,
            0,
            0,
        )
        .ok()?;
        // "Compatible", as calendars read them: a time in a spring gap moves on by the gap, one an autumn
        // night repeats is the first.
        let zoned = zone.to_ambiguous_zoned(local).compatible().ok()?;
        Some(zoned.timestamp().as_millisecond())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(zone: &str, date: &str, minute: u16) -> Option<Millis> {
        BundledZones.instant(zone, Date::parse(date).unwrap(), minute)
    }

    #[test]
    fn local_times_follow_the_zones_rules() {
        // 2026-06-10 14:00 in Prague is 12:00 UTC; in Kyiv 11:00 UTC.
        assert_eq!(at("Europe/Prague", "2026-06-10", 14 * 60), Some(1_781_092_800_000));
        assert_eq!(at("Europe/Kyiv", "2026-06-10", 14 * 60), Some(1_781_092_800_000 - 3_600_000));
        // 02:30 on 29 March 2026 does not exist in Prague: read as 03:30 summer time = 01:30 UTC.
        assert_eq!(at("Europe/Prague", "2026-03-29", 150), at("Europe/Prague", "2026-03-29", 210));
        // 02:30 on 25 October happens twice: the first, in summer time, like midnight.
        let midnight = at("Europe/Prague", "2026-10-25", 0).unwrap();
        assert_eq!(at("Europe/Prague", "2026-10-25", 150), Some(midnight + 150 * 60_000));
        assert_eq!(at("Europe/Praha", "2026-06-10", 0), None);
    }
}
