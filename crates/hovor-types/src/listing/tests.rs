use super::*;
use crate::callback::{instant_of_local, local_millis};

const HOUR: Millis = 3_600_000;

/// UTC, and Prague in 2026: +1, and +2 from 29 March 01:00 UTC until 25 October 01:00 UTC.
struct Zones;

impl TimeZones for Zones {
    fn instant(&self, zone: &str, date: Date, minute: u16) -> Option<Millis> {
        let local = local_millis(date, minute);
        let summer = local_millis(day("2026-03-29"), 60)..local_millis(day("2026-10-25"), 60);
        match zone {
            "UTC" => Some(local),
            "Europe/Prague" => {
                instant_of_local(local, |at| Some(if summer.contains(&at) { 2 * HOUR } else { HOUR }))
            }
            _ => None,
        }
    }
}

fn day(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn at(s: &str, hour: i64) -> Millis {
    local_millis(day(s), 0) + hour * HOUR
}

fn email(time: TimePreset) -> InteractionQuery {
    InteractionQuery {
        channel: Some(Channel::Email),
        time: Some(time),
        zone: Some("Europe/Prague".into()),
        ..InteractionQuery::default()
    }
}

fn range(query: &InteractionQuery, today: &str) -> (Millis, Millis) {
    let filter = query.check(day(today), &Zones).unwrap();
    (filter.from, filter.to)
}

#[test]
fn the_calendar_counts_days_across_months_years_and_leap_days() {
    assert_eq!(day("1970-01-01").epoch_days(), 0);
    assert_eq!(day("2026-12-06").weekday(), 6, "a Sunday");
    assert_eq!(day("2026-12-07").weekday(), 0, "a Monday");
    assert_eq!(day("2024-02-28").plus_days(1), day("2024-02-29"));
    assert_eq!(day("2026-03-01").plus_days(-1), day("2026-02-28"));
    assert_eq!(day("2026-12-31").plus_days(1), day("2027-01-01"));
    for n in [-800_000, -1, 0, 1, 20_000, 3_000_000] {
        assert_eq!(Date::from_epoch_days(n).epoch_days(), n);
    }
}

#[test]
fn each_preset_covers_whole_days_in_the_users_zone() {
    // Prague is an hour ahead in winter: its day starts at 23:00 UTC the day before.
    let today = range(&email(TimePreset::Today), "2026-12-06");
    assert_eq!(today, (at("2026-12-05", 23), at("2026-12-06", 23)));
    assert_eq!(
        range(&email(TimePreset::Yesterday), "2026-12-06"),
        (at("2026-12-04", 23), at("2026-12-05", 23))
    );
    // Sunday 6 December: the week began on Monday 30 November.
    assert_eq!(
        range(&email(TimePreset::ThisWeek), "2026-12-06"),
        (at("2026-11-29", 23), at("2026-12-06", 23))
    );
    assert_eq!(
        range(&email(TimePreset::ThisWeek), "2026-12-07"),
        (at("2026-12-06", 23), at("2026-12-07", 23))
    );
    assert_eq!(
        range(&email(TimePreset::Last7Days), "2026-12-06"),
        (at("2026-11-29", 23), at("2026-12-06", 23))
    );
    assert_eq!(
        range(&email(TimePreset::ThisMonth), "2026-12-06"),
        (at("2026-11-30", 23), at("2026-12-06", 23))
    );
    assert_eq!(
        range(&email(TimePreset::LastMonth), "2026-12-06"),
        (at("2026-10-31", 23), at("2026-11-30", 23))
    );
    assert_eq!(
        range(&email(TimePreset::LastMonth), "2026-01-15"),
        (at("2025-11-30", 23), at("2025-12-31", 23))
    );
    // A day the clocks go forward has 23 hours.
    let spring = range(&email(TimePreset::Today), "2026-03-29");
    assert_eq!(spring.1 - spring.0, 23 * HOUR);
    // In UTC the same preset is the UTC day.
    let utc = InteractionQuery { zone: None, ..email(TimePreset::Today) };
    assert_eq!(range(&utc, "2026-12-06"), (at("2026-12-06", 0), at("2026-12-07", 0)));
}

#[test]
fn a_custom_range_includes_both_days_and_is_checked() {
    let custom = |from: &str, to: &str| InteractionQuery {
        from: Some(from.into()),
        to: Some(to.into()),
        ..email(TimePreset::Custom)
    };
    assert_eq!(
        range(&custom("2026-11-01", "2026-11-02"), "2026-12-06"),
        (at("2026-10-31", 23), at("2026-11-02", 23))
    );
    let refused = |q: InteractionQuery| q.check(day("2026-12-06"), &Zones).unwrap_err();
    assert_eq!(refused(custom("2026-11-03", "2026-11-02")), FieldError::new("to", Rule::EndsBeforeStart));
    assert_eq!(refused(custom("2026-11-31", "2026-12-02")), FieldError::new("from", Rule::Malformed));
    assert_eq!(
        refused(custom("2024-01-01", "2026-12-02")).rule,
        Rule::TooLate { days: RANGE_MAX_DAYS as u32 }
    );
    assert_eq!(
        refused(InteractionQuery { to: None, ..custom("2026-11-01", "") }),
        FieldError::new("to", Rule::Required)
    );
}

#[test]
fn filters_are_read_and_bad_ones_named() {
    let query = InteractionQuery {
        users: Some("3, 7,".into()),
        queues: Some("2".into()),
        text: Some("  Faktura ".into()),
        ..email(TimePreset::Today)
    };
    let filter = query.check(day("2026-12-06"), &Zones).unwrap();
    assert_eq!((filter.user_ids, filter.queue_ids), (vec![3, 7], vec![2]));
    assert_eq!(filter.text.as_deref(), Some("faktura"));
    assert_eq!((filter.sort, filter.desc, filter.page), (SortColumn::Time, true, 0));
    let refused = |q: InteractionQuery| q.check(day("2026-12-06"), &Zones).unwrap_err();
    assert_eq!(
        refused(InteractionQuery { channel: None, ..query.clone() }),
        FieldError::new("channel", Rule::Required)
    );
    assert_eq!(
        refused(InteractionQuery { users: Some("3,x".into()), ..query.clone() }),
        FieldError::new("users", Rule::Malformed)
    );
    assert_eq!(
        refused(InteractionQuery { text: Some("a".into()), ..query.clone() }).rule,
        Rule::TooShort { min: 2 }
    );
    assert_eq!(
        refused(InteractionQuery { zone: Some("Mars/Base".into()), ..query.clone() }),
        FieldError::new("zone", Rule::NotAnOption)
    );
    let many = (0..=IDS_MAX).map(|n| n.to_string()).collect::<Vec<_>>().join(",");
    assert_eq!(
        refused(InteractionQuery { queues: Some(many), ..query }).rule,
        Rule::TooLarge { max: IDS_MAX }
    );
}

#[test]
fn granted_rights_are_kept_once_and_in_order() {
    let rights = ListingRights { user_ids: vec![5, 2, 5], queue_ids: vec![] }.checked().unwrap();
    assert_eq!(rights.user_ids, vec![2, 5]);
    let many = ListingRights { user_ids: vec![], queue_ids: (0..=IDS_MAX as i64).collect() };
    assert_eq!(many.checked().unwrap_err(), FieldError::new("queue_ids", Rule::TooLarge { max: IDS_MAX }));
}

#[test]
fn a_unique_name_reads_back_as_written() {
    for name in [
        UniqueName::Interaction(Channel::Email, 12),
        UniqueName::Interaction(Channel::Voice, 3),
        UniqueName::Activity(40),
    ] {
        assert_eq!(UniqueName::parse(&name.to_string()), Some(name));
    }
    assert_eq!(UniqueName::Activity(40).to_string(), "activity-40");
    for bad in ["", "email", "email-", "email-x", "fax-3", "activity--1", "activity-0"] {
        assert_eq!(UniqueName::parse(bad), None, "{bad}");
    }
}

#[test]
fn an_id_list_reads_back_as_written_and_a_bad_one_is_named() {
    assert_eq!(id_list(&[3, 7, 12]).as_deref(), Some("3,7,12"));
    assert_eq!(id_list(&[]), None, "no ids: no filter");
    assert_eq!(ids(id_list(&[3, 7, 12]).as_deref(), "users"), Ok(vec![3, 7, 12]));
    assert_eq!(ids(Some(" 4 , 9,"), "users"), Ok(vec![4, 9]));
    assert_eq!(ids(None, "users"), Ok(vec![]));
    assert_eq!(ids(Some("4,x"), "queues"), Err(FieldError::new("queues", Rule::Malformed)));
}

#[test]
fn advanced_conditions_are_checked_by_their_column_and_named_by_their_place() {
    use advanced::{AdvancedColumn as Col, Checked, Condition, Operator as Op, Value, check, conditions};
    let c = |column, op, value: &str| Condition { column, op, value: value.into() };
    let fault = |list: &[Condition]| check(list).unwrap_err();
    assert_eq!(
        check(&[
            c(Col::Title, Op::Contains, "  Refund "),
            c(Col::Rating, Op::Below, "3"),
            c(Col::Contact, Op::Empty, "x")
        ]),
        Ok(vec![
            Checked { column: Col::Title, op: Op::Contains, value: Value::Text("refund".into()) },
            Checked { column: Col::Rating, op: Op::Below, value: Value::Number(3) },
            Checked { column: Col::Contact, op: Op::Empty, value: Value::None },
        ])
    );
    assert_eq!(
        fault(&[c(Col::Title, Op::Is, "a"), c(Col::Attachments, Op::Contains, "1")]),
        FieldError { field: "advanced[1].op".into(), rule: Rule::NotAnOption }
    );
    assert_eq!(fault(&[c(Col::Text, Op::Contains, " ")]).field, "advanced[0].value");
    assert_eq!(fault(&[c(Col::Attachments, Op::Above, "two")]).rule, Rule::Malformed);
    assert_eq!(fault(&[c(Col::Status, Op::Is, "closed")]).rule, Rule::NotAnOption);
    assert_eq!(check(&[c(Col::Status, Op::Is, "ended")]).unwrap()[0].value, Value::Text("ended".into()));
    assert_eq!(
        fault(&[c(Col::Comment, Op::Contains, &"x".repeat(advanced::VALUE_MAX + 1))]).rule,
        Rule::TooLong { max: advanced::VALUE_MAX }
    );
    let six = vec![c(Col::Queue, Op::Contains, "a"); advanced::CONDITIONS_MAX + 1];
    assert_eq!(fault(&six), FieldError::new("advanced", Rule::TooLarge { max: advanced::CONDITIONS_MAX }));
    // As the query carries them.
    let list = [c(Col::User, Op::NotContains, "Nov")];
    assert_eq!(
        conditions(advanced::advanced_param(&list).as_deref()).unwrap()[0].value,
        Value::Text("nov".into())
    );
    assert_eq!(conditions(None), Ok(vec![]));
    assert_eq!(conditions(Some("[{\"column\":\"fax\"}]")), Err(FieldError::new("advanced", Rule::Malformed)));
    assert!(advanced::choice_lists_match_enums());
    // Every column offers operators, and each of those passes with a fitting value.
    for column in Col::ALL {
        assert!(!column.operators().is_empty());
        for op in column.operators() {
            let value = match column.kind() {
                advanced::ColumnKind::Number => "2",
                advanced::ColumnKind::Choice(choices) => choices[0],
                advanced::ColumnKind::Text => "ab",
            };
            assert!(check(&[c(*column, *op, value)]).is_ok(), "{column:?} {op:?}");
        }
    }
}

#[test]
fn a_query_carries_its_advanced_filter_and_its_fault() {
    let query = InteractionQuery {
        channel: Some(Channel::Chat),
        advanced: Some(r#"[{"column":"rating","op":"above","value":"x"}]"#.into()),
        ..InteractionQuery::default()
    };
    let today = Date { year: 2026, month: 3, day: 10 };
    assert_eq!(query.check(today, &Zones).unwrap_err().field, "advanced[0].value");
}

#[test]
fn members_gather_into_their_named_groups() {
    let groups = Group::gather([
        (1, Some("Sales ")),
        (2, None),
        (3, Some("Care")),
        (4, Some("Sales")),
        (5, Some(" ")),
    ]);
    assert_eq!(
        groups,
        vec![Group { name: "Care".into(), ids: vec![3] }, Group { name: "Sales".into(), ids: vec![1, 4] }]
    );
}

#[test]
fn a_queue_group_is_trimmed_and_limited() {
    assert_eq!(
        QueueGroup { group: Some(" Care ".into()) }.checked(),
        Ok(QueueGroup { group: Some("Care".into()) })
    );
    assert_eq!(QueueGroup { group: Some("  ".into()) }.checked(), Ok(QueueGroup { group: None }));
    let long = QueueGroup { group: Some("x".repeat(GROUP_NAME_MAX + 1)) };
    assert_eq!(long.checked().unwrap_err(), FieldError::new("group", Rule::TooLong { max: GROUP_NAME_MAX }));
}
