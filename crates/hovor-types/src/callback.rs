//! Callbacks (WBX): a customer asks to be called back, now or in an agreed window; Hovor places the call
//! when the window opens and an agent is free. The form's rules live here, used by the form in the
//! browser and by the server alike.
//!
//! A window is agreed in the customer's time zone ("between 14:00 and 15:00 in Europe/Prague on
//! 2026-03-29") and stored as those local values plus the two instants they meant when it was saved.
//! Turning local times into instants needs the time-zone database: the server reads its own, the
//! browser asks `Intl`; both through [`TimeZones`], so the rule itself is written once.

use serde::{Deserialize, Serialize};

mod policy;
pub use policy::{QueueCallbacks, RETRY_ATTEMPTS, RETRY_MINUTES, check_queue_callbacks};

use crate::Millis;
use crate::error::{FieldError, Rule};

/// A callback's phone: this many characters, as typed.
pub const PHONE_CHARS: std::ops::RangeInclusive<usize> = 7..=15;
/// A callback's name: this many characters, any script.
pub const NAME_CHARS: std::ops::RangeInclusive<usize> = 3..=250;
/// A reason is optional and at most this long.
pub const REASON_MAX: usize = 250;
/// A window opens at least this many minutes after the callback is created (or changed).
pub const EARLIEST_MINUTES: u32 = 30;
/// … and at most this many days after.
pub const LATEST_DAYS: u32 = 31;
/// A callback's routing priority (WBX "Set Contact Priority"): waiting conversations of higher priority
/// are offered first, those of equal priority in their order of arrival. Everything else waits at the
/// default.
pub const PRIORITY_MAX: u8 = 10;
pub const DEFAULT_PRIORITY: u8 = 0;

crate::string_enum! {
    /// How the callback came to be (WBX).
    pub enum CallbackKind {
        /// A customer waiting in a queue asked to be called back instead, keeping their place.
        Courtesy = "courtesy",
        /// A name and number left on the company's website.
        Web = "web",
        /// A date and window agreed with the customer; personal when assigned to an agent.
        Scheduled = "scheduled",
    }
}

crate::string_enum! {
    /// Where a callback stands.
    pub enum CallbackState {
        /// Waiting for its window to open; it can still be edited, rescheduled or deleted.
        Scheduled = "scheduled",
        /// Its window is open: it waits for an agent (or its assignee).
        Queued = "queued",
        /// The call was placed.
        Placed = "placed",
        /// No one could be reached in the window (or the attempts ran out).
        Failed = "failed",
    }
}

crate::string_enum! {
    /// Why a callback failed (its reason code).
    pub enum CallbackFailure {
        /// Nobody answered (or the line was busy) on any of the queue's attempts.
        NoAnswer = "no_answer",
        /// The window closed before the next attempt.
        WindowClosed = "window_closed",
        /// The agent cancelled it while the customer's phone rang (the queue allows it).
        Cancelled = "cancelled",
    }
}

/// What an agent (or a website, or an IVR through the API) asks for. Times are the customer's local
/// ones: `date` as `YYYY-MM-DD`, `start` and `end` as `HH:MM`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallbackRequest {
    pub phone: String,
    pub name: String,
    pub date: String,
    pub start: String,
    pub end: String,
    /// An IANA name, e.g. `Europe/Prague`.
    pub time_zone: String,
    pub queue_id: Option<i64>,
    #[serde(default)]
    pub reason: String,
    /// A personal callback: the agent it goes to (oneself or a teammate of the queue).
    #[serde(default)]
    pub assignee_id: Option<i64>,
    /// The customer it is for, if known.
    #[serde(default)]
    pub contact_id: Option<i64>,
    /// The conversation it was agreed in (a call, chat or email), linked both ways.
    #[serde(default)]
    pub conversation_id: Option<i64>,
    /// 0–10, higher first; [`DEFAULT_PRIORITY`] when not given.
    #[serde(default)]
    pub priority: Option<u8>,
}

/// "Call me back" from the company's website (a web callback): who and where, to be called as soon as
/// an agent of the queue is free.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebCallbackRequest {
    pub queue_id: i64,
    pub name: String,
    pub phone: String,
    #[serde(default)]
    pub reason: String,
}

/// "Call me back" from the web chat page while waiting for an agent (a courtesy callback): the
/// customer's number; the chat gives the rest.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatCallbackRequest {
    pub phone: String,
}

/// The web callback's phone, name and reason follow the form's rules.
pub fn check_web_callback(request: &WebCallbackRequest) -> Result<(), FieldError> {
    check_phone(&request.phone)?;
    check_name(&request.name)?;
    check_reason(&request.reason)?;
    Ok(())
}

/// A new date and window for a callback, or the same window on the next day (GEN Reschedule).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reschedule {
    At { date: String, start: String, end: String },
    SameTimeNextDay,
}

/// A callback as the desk and the API show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Callback {
    pub id: i64,
    pub kind: CallbackKind,
    pub state: CallbackState,
    pub phone: String,
    pub name: String,
    /// The window as agreed, in the customer's zone.
    pub date: String,
    pub start: String,
    pub end: String,
    pub time_zone: String,
    /// The window's instants.
    pub starts_at: Millis,
    pub ends_at: Millis,
    pub queue_id: i64,
    pub queue: String,
    pub reason: String,
    pub assignee: Option<CallbackAssignee>,
    pub contact_id: Option<i64>,
    pub conversation_id: Option<i64>,
    pub created_at: Millis,
    pub created_by: Option<String>,
    /// Calls placed so far.
    #[serde(default)]
    pub attempts: u32,
    #[serde(default)]
    pub priority: u8,
    #[serde(default)]
    pub failure: Option<CallbackFailure>,
}

impl Callback {
    /// Edit, Reschedule and Delete are refused once the window has started (WBX).
    pub fn changeable(&self, now: Millis) -> bool {
        self.state == CallbackState::Scheduled && now < self.starts_at
    }

    /// The callback as its form shows it for an edit.
    pub fn as_request(&self) -> CallbackRequest {
        CallbackRequest {
            phone: self.phone.clone(),
            name: self.name.clone(),
            date: self.date.clone(),
            start: self.start.clone(),
            end: self.end.clone(),
            time_zone: self.time_zone.clone(),
            queue_id: Some(self.queue_id),
            reason: self.reason.clone(),
            assignee_id: self.assignee.as_ref().map(|a| a.id),
            contact_id: self.contact_id,
            conversation_id: self.conversation_id,
            priority: Some(self.priority),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallbackAssignee {
    pub id: i64,
    pub name: String,
}

/// Where the callback form gets its choices: the voice queues the agent may use, each with the
/// agents a personal callback can go to, and the zone the customer's record gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallbackChoices {
    pub queues: Vec<CallbackQueue>,
    /// From the contact's details, when the form is opened for a customer.
    pub time_zone: Option<String>,
    pub phone: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallbackQueue {
    pub id: i64,
    pub name: String,
    pub agents: Vec<CallbackAssignee>,
}

/// A day on the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// `YYYY-MM-DD`, a day that exists.
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.trim().splitn(3, '-');
        let year: i32 = number(parts.next()?, 4)?;
        let month: u8 = number(parts.next()?, 2)?;
        let day: u8 = number(parts.next()?, 2)?;
        let date = Date { year, month, day };
        ((1..=12).contains(&month) && day >= 1 && day <= date.days_in_month()).then_some(date)
    }

    fn days_in_month(self) -> u8 {
        match self.month {
            2 if self.year % 4 == 0 && (self.year % 100 != 0 || self.year % 400 == 0) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    /// Days since 1970-01-01.
    pub fn epoch_days(self) -> i64 {
        local_millis(self, 0).div_euclid(86_400_000)
    }

    /// The day `days` since 1970-01-01 (the civil calendar extended backwards).
    pub fn from_epoch_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    pub fn plus_days(self, days: i64) -> Date {
        Date::from_epoch_days(self.epoch_days() + days)
    }

    /// Monday 0 … Sunday 6.
    pub fn weekday(self) -> u8 {
        // 1970-01-01 was a Thursday.
        (self.epoch_days() + 3).rem_euclid(7) as u8
    }

    pub fn next_day(self) -> Date {
        if self.day < self.days_in_month() {
            Date { day: self.day + 1, ..self }
        } else if self.month < 12 {
            Date { month: self.month + 1, day: 1, ..self }
        } else {
            Date { year: self.year + 1, month: 1, day: 1 }
        }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// `HH:MM` (24-hour) as minutes after midnight.
pub fn parse_time(s: &str) -> Option<u16> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u16, u16) = (number(h, 2)?, number(m, 2)?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// Exactly `digits` ASCII digits.
fn number<T: std::str::FromStr>(s: &str, digits: usize) -> Option<T> {
    (s.len() == digits && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

/// The time-zone database, as each side has it.
pub trait TimeZones {
    /// The instant of `minute` after midnight of `date` in `zone`: a local time a daylight-saving
    /// change skips moves on by the gap (02:30 → 03:30, as calendars do); one it repeats is the first.
    /// `None` when `zone` is not an IANA zone name.
    fn instant(&self, zone: &str, date: Date, minute: u16) -> Option<Millis>;
}

/// Midnight of `date` plus `minute`, read as if the zone were UTC: the "local milliseconds" a zone's
/// offset turns into an instant.
pub fn local_millis(date: Date, minute: u16) -> Millis {
    let (y, m, d) = (i64::from(date.year), i64::from(date.month), i64::from(date.day));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    days * 86_400_000 + Millis::from(minute) * 60_000
}

/// The instant of `local` milliseconds in a zone whose offset (local − UTC) at an instant is
/// `offset_at`, read as [`TimeZones::instant`] says: of the readings with the offsets in force a day
/// before and a day after, the earlier one that holds; in a gap, the reading with the offset before it.
pub fn instant_of_local(local: Millis, offset_at: impl Fn(Millis) -> Option<Millis>) -> Option<Millis> {
    const DAY: Millis = 86_400_000;
    let before = offset_at(local - DAY)?;
    let after = offset_at(local + DAY)?;
    let mut held = Vec::with_capacity(2);
    for offset in [before, after] {
        if offset_at(local - offset)? == offset {
            held.push(local - offset);
        }
    }
    Some(held.into_iter().min().unwrap_or(local - before))
}

/// A callback that passed [`check_callback`]: trimmed text and the window's instants.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedCallback {
    pub phone: String,
    pub name: String,
    pub reason: String,
    pub queue_id: i64,
    pub date: Date,
    pub start: String,
    pub end: String,
    pub time_zone: String,
    pub starts_at: Millis,
    pub ends_at: Millis,
    pub priority: u8,
}

/// Phone: 7–15 characters of digits, spaces, hyphens, commas and periods, with an optional leading `+`
/// for the country code (WBX).
pub fn check_phone(phone: &str) -> Result<&str, FieldError> {
    let phone = phone.trim();
    if phone.is_empty() {
        return Err(FieldError::new("phone", Rule::Required));
    }
    let allowed = phone
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || matches!(c, ' ' | '-' | ',' | '.') || (c == '+' && i == 0));
    if !allowed || !phone.chars().any(|c| c.is_ascii_digit()) {
        return Err(FieldError::new("phone", Rule::Malformed));
    }
    let length = phone.chars().count();
    if length < *PHONE_CHARS.start() {
        return Err(FieldError::new("phone", Rule::TooShort { min: *PHONE_CHARS.start() }));
    }
    if length > *PHONE_CHARS.end() {
        return Err(FieldError::new("phone", Rule::TooLong { max: *PHONE_CHARS.end() }));
    }
    Ok(phone)
}

/// Name: 3–250 characters in any script.
pub fn check_name(name: &str) -> Result<&str, FieldError> {
    let name = crate::validate::text("name", name, true, *NAME_CHARS.end())?;
    if name.chars().count() < *NAME_CHARS.start() {
        return Err(FieldError::new("name", Rule::TooShort { min: *NAME_CHARS.start() }));
    }
    Ok(name)
}

/// Reason: optional, at most 250 characters.
pub fn check_reason(reason: &str) -> Result<&str, FieldError> {
    crate::validate::text("reason", reason, false, REASON_MAX)
}

/// Every rule of the callback form, in the form's order; the first broken one is returned, named by its
/// field. `now` is when the callback is created (or changed).
pub fn check_callback(
    request: &CallbackRequest,
    zones: &impl TimeZones,
    now: Millis,
) -> Result<CheckedCallback, FieldError> {
    let phone = check_phone(&request.phone)?.to_owned();
    let name = check_name(&request.name)?;
    let (date, starts_at, ends_at) =
        check_window(&request.date, &request.start, &request.end, &request.time_zone, zones, now)?;
    let queue_id = request.queue_id.ok_or(FieldError::new("queue_id", Rule::Required))?;
    let reason = check_reason(&request.reason)?;
    let priority = request.priority.unwrap_or(DEFAULT_PRIORITY);
    if priority > PRIORITY_MAX {
        return Err(FieldError::new("priority", Rule::TooLarge { max: usize::from(PRIORITY_MAX) }));
    }
    Ok(CheckedCallback {
        phone,
        name: name.to_owned(),
        reason: reason.to_owned(),
        queue_id,
        date,
        start: request.start.trim().to_owned(),
        end: request.end.trim().to_owned(),
        time_zone: request.time_zone.trim().to_owned(),
        starts_at,
        ends_at,
        priority,
    })
}

/// Date, "Call between" and time zone: all required; the window starts 30 minutes to 31 days after
/// `now` and ends after it starts. Returns the date and the window's instants.
pub fn check_window(
    date: &str,
    start: &str,
    end: &str,
    time_zone: &str,
    zones: &impl TimeZones,
    now: Millis,
) -> Result<(Date, Millis, Millis), FieldError> {
    let required = |field, value: &str| match value.trim().is_empty() {
        true => Err(FieldError::new(field, Rule::Required)),
        false => Ok(()),
    };
    required("date", date)?;
    let day = Date::parse(date).ok_or(FieldError::new("date", Rule::Malformed))?;
    required("start", start)?;
    let from = parse_time(start).ok_or(FieldError::new("start", Rule::Malformed))?;
    required("end", end)?;
    let to = parse_time(end).ok_or(FieldError::new("end", Rule::Malformed))?;
    required("time_zone", time_zone)?;
    let zone = time_zone.trim();
    let starts_at = zones.instant(zone, day, from).ok_or(FieldError::new("time_zone", Rule::NotAnOption))?;
    let ends_at = zones.instant(zone, day, to).ok_or(FieldError::new("time_zone", Rule::NotAnOption))?;
    if ends_at <= starts_at {
        return Err(FieldError::new("end", Rule::EndsBeforeStart));
    }
    if starts_at < now + i64::from(EARLIEST_MINUTES) * 60_000 {
        return Err(FieldError::new("start", Rule::TooSoon { minutes: EARLIEST_MINUTES }));
    }
    if starts_at > now + i64::from(LATEST_DAYS) * 86_400_000 {
        return Err(FieldError::new("date", Rule::TooLate { days: LATEST_DAYS }));
    }
    Ok((day, starts_at, ends_at))
}

/// The window a reschedule asks for, as local date, start and end. "Same time next day" keeps the
/// local times, so across a daylight-saving change the instants move by 23 or 25 hours.
pub fn rescheduled(callback: &Callback, reschedule: &Reschedule) -> (String, String, String) {
    match reschedule {
        Reschedule::At { date, start, end } => (date.clone(), start.clone(), end.clone()),
        Reschedule::SameTimeNextDay => {
            let next = Date::parse(&callback.date)
                .map_or_else(|| callback.date.clone(), |d| d.next_day().to_string());
            (next, callback.start.clone(), callback.end.clone())
        }
    }
}

#[cfg(test)]
mod tests;
