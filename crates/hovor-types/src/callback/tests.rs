use super::*;

const HOUR: Millis = 3_600_000;
const MINUTE: Millis = 60_000;

fn civil(date: &str, minute: u16) -> Millis {
    local_millis(Date::parse(date).unwrap(), minute)
}

/// Prague in 2026 as the rules say: +1, then +2 from 29 March 01:00 UTC to 25 October 01:00 UTC.
/// "Test/Utc" is UTC; any other name is unknown.
struct Zones2026;

impl Zones2026 {
    fn prague_offset(at: Millis) -> Millis {
        let summer = civil("2026-03-29", 60)..civil("2026-10-25", 60);
        if summer.contains(&at) { 2 * HOUR } else { HOUR }
    }
}

impl TimeZones for Zones2026 {
    fn instant(&self, zone: &str, date: Date, minute: u16) -> Option<Millis> {
        let local = local_millis(date, minute);
        match zone {
            "Test/Utc" => Some(local),
            "Europe/Prague" => instant_of_local(local, |at| Some(Self::prague_offset(at))),
            _ => None,
        }
    }
}

fn request() -> CallbackRequest {
    CallbackRequest {
        phone: "+420 602 123".into(),
        name: "Jana Nováková".into(),
        date: "2026-06-10".into(),
        start: "14:00".into(),
        end: "15:00".into(),
        time_zone: "Europe/Prague".into(),
        queue_id: Some(3),
        reason: "Invoice question".into(),
        ..Default::default()
    }
}

/// 2026-06-10 12:00 UTC = 14:00 in Prague (summer time).
fn window_start() -> Millis {
    civil("2026-06-10", 12 * 60)
}

fn error(request: &CallbackRequest, now: Millis) -> Option<(String, Rule)> {
    check_callback(request, &Zones2026, now).err().map(|e| (e.field.into_owned(), e.rule))
}

#[test]
fn a_good_request_gives_the_window_in_the_customers_zone() {
    let checked = check_callback(&request(), &Zones2026, window_start() - 2 * HOUR).unwrap();
    assert_eq!(checked.starts_at, window_start());
    assert_eq!(checked.ends_at, window_start() + HOUR);
    assert_eq!(checked.phone, "+420 602 123");
    assert_eq!(checked.queue_id, 3);
}

#[test]
fn the_phone_is_7_to_15_characters_of_digits_spaces_hyphens_commas_and_periods() {
    let now = window_start() - 2 * HOUR;
    let with = |phone: &str| error(&CallbackRequest { phone: phone.into(), ..request() }, now);
    assert_eq!(with("123456"), Some(("phone".into(), Rule::TooShort { min: 7 })));
    assert_eq!(with("1234567"), None);
    assert_eq!(with("123 456-789.012"), None);
    assert_eq!(with("+1 234,567.8"), None);
    assert_eq!(with("1234567890123456"), Some(("phone".into(), Rule::TooLong { max: 15 })));
    assert_eq!(with("602 12x 456"), Some(("phone".into(), Rule::Malformed)));
    assert_eq!(with("60+2123456"), Some(("phone".into(), Rule::Malformed)));
    assert_eq!(with("- - - - -"), Some(("phone".into(), Rule::Malformed)));
    assert_eq!(with("  "), Some(("phone".into(), Rule::Required)));
}

#[test]
fn the_name_is_3_to_250_characters_in_any_script() {
    let now = window_start() - 2 * HOUR;
    let with = |name: String| error(&CallbackRequest { name, ..request() }, now);
    assert_eq!(with("Ян".into()), Some(("name".into(), Rule::TooShort { min: 3 })));
    assert_eq!(with("Яна".into()), None);
    assert_eq!(with("ж".repeat(250)), None);
    assert_eq!(with("ж".repeat(251)), Some(("name".into(), Rule::TooLong { max: 250 })));
    assert_eq!(with(" ".into()), Some(("name".into(), Rule::Required)));
}

#[test]
fn the_window_opens_30_minutes_to_31_days_after_creation() {
    let r = request();
    // 30 minutes before the start: allowed; 29: refused.
    assert_eq!(error(&r, window_start() - 30 * MINUTE), None);
    assert_eq!(
        error(&r, window_start() - 29 * MINUTE),
        Some(("start".into(), Rule::TooSoon { minutes: 30 }))
    );
    // 31 days before: allowed; 31 days and a minute: refused.
    let days31 = 31 * 86_400_000;
    assert_eq!(error(&r, window_start() - days31), None);
    assert_eq!(
        error(&r, window_start() - days31 - MINUTE),
        Some(("date".into(), Rule::TooLate { days: 31 }))
    );
}

#[test]
fn the_window_is_well_formed_and_ends_after_it_starts() {
    let now = window_start() - 2 * HOUR;
    let with = |f: &dyn Fn(&mut CallbackRequest)| {
        let mut r = request();
        f(&mut r);
        error(&r, now)
    };
    assert_eq!(with(&|r| r.date = String::new()), Some(("date".into(), Rule::Required)));
    assert_eq!(with(&|r| r.date = "2026-02-30".into()), Some(("date".into(), Rule::Malformed)));
    assert_eq!(with(&|r| r.date = "10.6.2026".into()), Some(("date".into(), Rule::Malformed)));
    assert_eq!(with(&|r| r.start = "24:00".into()), Some(("start".into(), Rule::Malformed)));
    assert_eq!(with(&|r| r.end = String::new()), Some(("end".into(), Rule::Required)));
    assert_eq!(with(&|r| r.end = "14:00".into()), Some(("end".into(), Rule::EndsBeforeStart)));
    assert_eq!(with(&|r| r.end = "13:59".into()), Some(("end".into(), Rule::EndsBeforeStart)));
    assert_eq!(with(&|r| r.time_zone = "Europe/Praha".into()), Some(("time_zone".into(), Rule::NotAnOption)));
    assert_eq!(with(&|r| r.time_zone = " ".into()), Some(("time_zone".into(), Rule::Required)));
}

#[test]
fn the_queue_is_required_and_the_reason_at_most_250_characters() {
    let now = window_start() - 2 * HOUR;
    assert_eq!(
        error(&CallbackRequest { queue_id: None, ..request() }, now),
        Some(("queue_id".into(), Rule::Required))
    );
    assert_eq!(error(&CallbackRequest { reason: "ř".repeat(250), ..request() }, now), None);
    assert_eq!(
        error(&CallbackRequest { reason: "ř".repeat(251), ..request() }, now),
        Some(("reason".into(), Rule::TooLong { max: 250 }))
    );
    assert_eq!(error(&CallbackRequest { reason: String::new(), ..request() }, now), None);
}

fn callback(date: &str, zones: &impl TimeZones) -> Callback {
    let d = Date::parse(date).unwrap();
    Callback {
        id: 1,
        kind: CallbackKind::Scheduled,
        state: CallbackState::Scheduled,
        phone: "602123456".into(),
        name: "Jana".into(),
        date: date.into(),
        start: "09:00".into(),
        end: "10:00".into(),
        time_zone: "Europe/Prague".into(),
        starts_at: zones.instant("Europe/Prague", d, 9 * 60).unwrap(),
        ends_at: zones.instant("Europe/Prague", d, 10 * 60).unwrap(),
        queue_id: 3,
        queue: "Billing".into(),
        reason: String::new(),
        assignee: None,
        contact_id: None,
        conversation_id: None,
        created_at: 0,
        created_by: None,
        attempts: 0,
        priority: 0,
        failure: None,
    }
}

#[test]
fn same_time_next_day_keeps_the_local_time_across_a_daylight_saving_change() {
    // The night of 28–29 March has 23 hours in Prague; 24–25 October has 25.
    for (date, next, hours) in
        [("2026-03-28", "2026-03-29", 23), ("2026-10-24", "2026-10-25", 25), ("2026-06-30", "2026-07-01", 24)]
    {
        let before = callback(date, &Zones2026);
        let (d, start, end) = rescheduled(&before, &Reschedule::SameTimeNextDay);
        assert_eq!((d.as_str(), start.as_str(), end.as_str()), (next, "09:00", "10:00"));
        let now = before.starts_at - 2 * HOUR;
        let (_, starts_at, _) = check_window(&d, &start, &end, "Europe/Prague", &Zones2026, now).unwrap();
        assert_eq!(starts_at - before.starts_at, hours * HOUR, "{date}");
    }
    assert_eq!(Date::parse("2026-12-31").unwrap().next_day().to_string(), "2027-01-01");
    assert_eq!(Date::parse("2028-02-28").unwrap().next_day().to_string(), "2028-02-29");
}

#[test]
fn a_local_time_in_the_spring_gap_moves_on_by_the_gap() {
    // 02:30 on 29 March does not exist in Prague: it is read as 03:30 summer time, 01:30 UTC.
    let start = Zones2026.instant("Europe/Prague", Date::parse("2026-03-29").unwrap(), 2 * 60 + 30).unwrap();
    assert_eq!(start, civil("2026-03-29", 90));
    // 02:30 on 25 October happens twice: the first is in summer time.
    let twice = Zones2026.instant("Europe/Prague", Date::parse("2026-10-25").unwrap(), 2 * 60 + 30).unwrap();
    assert_eq!(twice, civil("2026-10-25", 30));
}

#[test]
fn a_callback_can_change_only_before_its_window_starts() {
    let c = callback("2026-06-10", &Zones2026);
    assert!(c.changeable(c.starts_at - 1));
    assert!(!c.changeable(c.starts_at));
    assert!(
        !CallbackState::ALL.iter().filter(|s| **s != CallbackState::Scheduled).any(|state| Callback {
            state: *state,
            ..c.clone()
        }
        .changeable(0))
    );
}

#[test]
fn a_queues_retry_policy_keeps_within_its_ranges() {
    let settings =
        |attempts, retry_minutes| QueueCallbacks { attempts, retry_minutes, agent_may_cancel: true };
    let broken = |s: QueueCallbacks| check_queue_callbacks(&s).err().map(|e| (e.field.into_owned(), e.rule));
    assert_eq!(broken(settings(1, 1)), None);
    assert_eq!(broken(settings(10, 1440)), None);
    assert_eq!(broken(settings(0, 10)), Some(("attempts".into(), Rule::TooSmall { min: 1 })));
    assert_eq!(broken(settings(11, 10)), Some(("attempts".into(), Rule::TooLarge { max: 10 })));
    assert_eq!(broken(settings(3, 0)), Some(("retry_minutes".into(), Rule::TooSmall { min: 1 })));
    assert_eq!(broken(settings(3, 1441)), Some(("retry_minutes".into(), Rule::TooLarge { max: 1440 })));
}

#[test]
fn a_callback_has_the_default_priority_unless_one_up_to_ten_is_set() {
    let now = window_start() - 2 * HOUR;
    let at = |priority| check_callback(&CallbackRequest { priority, ..request() }, &Zones2026, now);
    assert_eq!(at(None).unwrap().priority, DEFAULT_PRIORITY);
    assert_eq!(at(Some(10)).unwrap().priority, 10);
    let refused = at(Some(11)).unwrap_err();
    assert_eq!((refused.field.as_ref(), refused.rule), ("priority", Rule::TooLarge { max: 10 }));
}
