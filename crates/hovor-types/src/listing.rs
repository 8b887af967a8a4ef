//! Listings → Interactions (DAK): the emails, chats and calls a user may see, filtered by time (a
//! preset or a range of days in the user's time zone), user, queue, contact, text, status and
//! direction, sorted by a column and paged. The server checks a query with these rules; the app
//! builds it with them.

use serde::{Deserialize, Serialize};

use crate::Millis;
use crate::callback::{Date, TimeZones};
use crate::conversation::Channel;
use crate::error::{FieldError, Rule};
use crate::message::Direction;

pub mod advanced;

/// Rows on one page.
pub const LISTING_PAGE: u32 = 50;
/// The longest text searched for in messages and email bodies.
pub const TEXT_FILTER_MAX: usize = 200;
/// The shortest: a single letter would match nearly everything.
pub const TEXT_FILTER_MIN: usize = 2;
/// The longest custom range, in days.
pub const RANGE_MAX_DAYS: i64 = 400;
/// Users or queues named in one filter at most.
pub const IDS_MAX: usize = 200;
/// The characters of an interaction's text shown in its row.
pub const TEXT_EXCERPT_CHARS: usize = 160;
/// Rows of one export at most (a spreadsheet holds 1,048,576).
pub const EXPORT_MAX_ROWS: u32 = 1_000_000;

crate::string_enum! {
    /// The Time filter: Today unless the user picks another preset or a range of days (`Custom`).
    pub enum TimePreset {
        Today = "today",
        Yesterday = "yesterday",
        /// Monday of this week until now.
        ThisWeek = "this_week",
        /// Today and the six days before it.
        Last7Days = "last_7_days",
        ThisMonth = "this_month",
        LastMonth = "last_month",
        /// `from` and `to`, both days included.
        Custom = "custom",
    }
}

crate::string_enum! {
    /// The columns a listing sorts by.
    pub enum SortColumn {
        Time = "time",
        Queue = "queue",
        User = "user",
        Contact = "contact",
        Title = "title",
        Attachments = "attachments",
        Status = "status",
        /// The post-chat survey's first rating; a chat not rated sorts below 1.
        Rating = "rating",
    }
}

crate::string_enum! {
    /// Whether an interaction is still being worked on.
    pub enum InteractionStatus {
        Active = "active",
        Ended = "ended",
    }
}

crate::string_enum! {
    /// An outbound email's delivery, as the listing's Email status column shows it.
    pub enum EmailState {
        Sent = "sent",
        Waiting = "waiting",
        Failed = "failed",
    }
}

crate::string_enum! {
    /// The file an export is written as.
    pub enum ExportFormat {
        Csv = "csv",
        Xlsx = "xlsx",
    }
}

/// An export's own parameters, beside the listing's (`/api/interactions/export?format=xlsx&lang=cs&…`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ExportQuery {
    pub format: Option<ExportFormat>,
    /// The language of the column names and values (`en`, `cs`, `bg`, `uk`); else Accept-Language.
    pub lang: Option<String>,
}

/// A listing request as it travels in the query string (`/api/interactions?channel=email&…`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct InteractionQuery {
    /// `email`, `chat` or `voice`.
    pub channel: Option<Channel>,
    /// Today when absent.
    pub time: Option<TimePreset>,
    /// The first day of a `custom` range, `YYYY-MM-DD` in `zone`.
    pub from: Option<String>,
    /// The last day of a `custom` range (included).
    pub to: Option<String>,
    /// The user's IANA time zone (`Europe/Prague`); UTC when absent.
    pub zone: Option<String>,
    /// Users who handled it, ids separated by commas.
    pub users: Option<String>,
    /// Queues it came through, ids separated by commas.
    pub queues: Option<String>,
    /// The contact it is paired with.
    pub contact: Option<i64>,
    /// Words in its messages or email bodies.
    pub text: Option<String>,
    pub status: Option<InteractionStatus>,
    pub direction: Option<Direction>,
    /// Time by default.
    pub sort: Option<SortColumn>,
    /// Descending (newest first for Time) unless `false`.
    pub desc: Option<bool>,
    /// Zero-based page.
    pub page: Option<u32>,
    /// The Advanced filter's conditions, a JSON array (see [`advanced`]).
    pub advanced: Option<String>,
}

/// A query that passed [`InteractionQuery::check`]: the time range as instants, `[from, to)`.
#[derive(Debug, Clone, PartialEq)]
pub struct InteractionFilter {
    pub channel: Channel,
    pub from: Millis,
    pub to: Millis,
    pub user_ids: Vec<i64>,
    pub queue_ids: Vec<i64>,
    pub contact_id: Option<i64>,
    /// Trimmed, lower-cased for a case-insensitive match.
    pub text: Option<String>,
    pub status: Option<InteractionStatus>,
    pub direction: Option<Direction>,
    pub sort: SortColumn,
    pub desc: bool,
    pub page: u32,
    /// The Advanced filter's conditions, all of which must hold.
    pub advanced: Vec<advanced::Checked>,
}

impl InteractionQuery {
    /// Checks every field and resolves the time filter on `today`, the user's local date in `zone`.
    pub fn check(&self, today: Date, zones: &impl TimeZones) -> Result<InteractionFilter, FieldError> {
        let channel = self.channel.ok_or(FieldError::new("channel", Rule::Required))?;
        let zone = self.zone.as_deref().unwrap_or("UTC");
        let (first, last) = self.days(today)?;
        let start = |day: Date| zones.instant(zone, day, 0).ok_or(FieldError::new("zone", Rule::NotAnOption));
        let (from, to) = (start(first)?, start(last.plus_days(1))?);
        let text = match self.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => None,
            Some(t) if t.chars().count() < TEXT_FILTER_MIN => {
                return Err(FieldError::new("text", Rule::TooShort { min: TEXT_FILTER_MIN }));
            }
            Some(t) if t.chars().count() > TEXT_FILTER_MAX => {
                return Err(FieldError::new("text", Rule::TooLong { max: TEXT_FILTER_MAX }));
            }
            Some(t) => Some(t.to_lowercase()),
        };
        Ok(InteractionFilter {
            channel,
            from,
            to,
            user_ids: ids(self.users.as_deref(), "users")?,
            queue_ids: ids(self.queues.as_deref(), "queues")?,
            contact_id: self.contact,
            text,
            status: self.status,
            direction: self.direction,
            sort: self.sort.unwrap_or(SortColumn::Time),
            desc: self.desc.unwrap_or(true),
            page: self.page.unwrap_or(0),
            advanced: advanced::conditions(self.advanced.as_deref())?,
        })
    }

    /// The first and last day the time filter covers, both included.
    fn days(&self, today: Date) -> Result<(Date, Date), FieldError> {
        let month_start = Date { day: 1, ..today };
        Ok(match self.time.unwrap_or(TimePreset::Today) {
            TimePreset::Today => (today, today),
            TimePreset::Yesterday => (today.plus_days(-1), today.plus_days(-1)),
            TimePreset::ThisWeek => (today.plus_days(-i64::from(today.weekday())), today),
            TimePreset::Last7Days => (today.plus_days(-6), today),
            TimePreset::ThisMonth => (month_start, today),
            TimePreset::LastMonth => {
                let last = month_start.plus_days(-1);
                (Date { day: 1, ..last }, last)
            }
            TimePreset::Custom => {
                let day = |value: Option<&str>, field| {
                    let value = value.ok_or(FieldError::new(field, Rule::Required))?;
                    Date::parse(value).ok_or(FieldError::new(field, Rule::Malformed))
                };
                let (from, to) = (day(self.from.as_deref(), "from")?, day(self.to.as_deref(), "to")?);
                if to.epoch_days() < from.epoch_days() {
                    return Err(FieldError::new("to", Rule::EndsBeforeStart));
                }
                if to.epoch_days() - from.epoch_days() >= RANGE_MAX_DAYS {
                    return Err(FieldError::new("to", Rule::TooLate { days: RANGE_MAX_DAYS as u32 }));
                }
                (from, to)
            }
        })
    }
}

/// `[3, 7]` → `"3,7"` (a query's user or queue list); none → no filter.
pub fn id_list(ids: &[i64]) -> Option<String> {
    (!ids.is_empty()).then(|| ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","))
}

/// `"3,7, 12"` → `[3, 7, 12]`; empty or absent → no filter.
pub fn ids(list: Option<&str>, field: &'static str) -> Result<Vec<i64>, FieldError> {
    let ids: Vec<i64> = list
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(|_| FieldError::new(field, Rule::Malformed)))
        .collect::<Result<_, _>>()?;
    if ids.len() > IDS_MAX {
        return Err(FieldError::new(field, Rule::TooLarge { max: IDS_MAX }));
    }
    Ok(ids)
}

/// A name and the id it stands for (a queue, a user, a contact).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Named {
    pub id: i64,
    pub name: String,
}

/// One interaction in the list, with DAK's columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InteractionRow {
    pub id: i64,
    /// What the detail's deep link names it by (`?activityDetail=<unique_name>`).
    pub unique_name: String,
    pub channel: Channel,
    /// When it entered its queue (or was placed, for outbound).
    pub at: Millis,
    pub queue: Named,
    /// Who handled it last; none while it waits.
    pub user: Option<Named>,
    /// None: not paired yet (the list's "+").
    pub contact: Option<Named>,
    /// The account of its contact.
    #[serde(default)]
    pub account: Option<Named>,
    /// The case it belongs to: its number and title.
    #[serde(default)]
    pub case: Option<Named>,
    /// An email's subject; a chat's or call's customer name.
    pub title: String,
    pub attachments: u32,
    /// The start of its first message or email body.
    pub text: String,
    pub status: InteractionStatus,
    pub direction: Direction,
    /// Outbound email only: its last email's delivery.
    pub email_state: Option<EmailState>,
    /// Its personal data was removed: the row is a tombstone (times, queue, user).
    pub anonymised: bool,
    /// The post-chat survey's first rating (1–5), when the customer gave one.
    #[serde(default)]
    pub rating: Option<u8>,
    /// The start of the post-chat survey's first comment.
    #[serde(default)]
    pub comment: Option<String>,
}

/// The case an interaction belongs to, opened from its detail: the case and its interactions the
/// user may see (at most [`LISTING_PAGE`], newest first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkedCase {
    pub case: crate::case::CaseInfo,
    pub interactions: Vec<InteractionRow>,
}

/// One page of the list, as asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InteractionPage {
    pub rows: Vec<InteractionRow>,
    pub page: u32,
    /// Whether a next page has rows.
    pub more: bool,
    /// The range the time filter covered, `[from, to)`.
    pub from: Millis,
    pub to: Millis,
}

/// How many interactions match, asked apart from the page: a count over a large range takes longer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InteractionCount {
    pub total: u64,
}

/// The users and queues whose interactions a user may list, granted by an administrator. A user
/// always sees the interactions they handled themselves; an administrator sees all.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListingRights {
    pub user_ids: Vec<i64>,
    pub queue_ids: Vec<i64>,
}

impl ListingRights {
    /// Sorted, without repeats, at most [`IDS_MAX`] of each.
    pub fn checked(mut self) -> Result<ListingRights, FieldError> {
        for (list, field) in [(&mut self.user_ids, "user_ids"), (&mut self.queue_ids, "queue_ids")] {
            list.sort_unstable();
            list.dedup();
            if list.len() > IDS_MAX {
                return Err(FieldError::new(field, Rule::TooLarge { max: IDS_MAX }));
            }
        }
        Ok(self)
    }
}

/// What the listing's User and Queue filters offer: the users and queues whose interactions the user
/// may see (everyone's for an administrator), by name, the teams those users are in and the groups
/// of those queues. Deactivated ones are offered too, named apart: the filters show them only when
/// asked (DAK's crossed-out eye).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListingChoices {
    pub users: Vec<Named>,
    pub queues: Vec<Named>,
    /// Groups of the users offered (their teams): choosing one chooses its users.
    #[serde(default)]
    pub teams: Vec<Group>,
    /// Groups of the queues offered: choosing one chooses its queues.
    #[serde(default)]
    pub queue_groups: Vec<Group>,
    /// Which of the users offered are deactivated.
    #[serde(default)]
    pub inactive_users: Vec<i64>,
    /// Which of the queues offered are deactivated.
    #[serde(default)]
    pub inactive_queues: Vec<i64>,
}

/// The longest name of a group of queues.
pub const GROUP_NAME_MAX: usize = 60;

/// Whether a user or a queue is active: a deactivated user cannot sign in and is offered no work; a
/// deactivated queue takes no new chats or calls. Their interactions stay listed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetActive {
    pub active: bool,
}

/// The group a queue is listed under (none: ungrouped).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueGroup {
    pub group: Option<String>,
}

impl QueueGroup {
    /// Trimmed, blank meaning none, at most [`GROUP_NAME_MAX`] characters (field `group`).
    pub fn checked(self) -> Result<QueueGroup, FieldError> {
        let group = self.group.as_deref().map(str::trim).filter(|g| !g.is_empty());
        match group {
            Some(g) if g.chars().count() > GROUP_NAME_MAX => {
                Err(FieldError::new("group", Rule::TooLong { max: GROUP_NAME_MAX }))
            }
            _ => Ok(QueueGroup { group: group.map(str::to_owned) }),
        }
    }
}

/// A named group of users or queues, by their ids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Group {
    pub name: String,
    pub ids: Vec<i64>,
}

impl Group {
    /// The groups that `members` (an id and its group's name, if any) fall into, by name; a blank
    /// name is no group.
    pub fn gather<'a>(members: impl IntoIterator<Item = (i64, Option<&'a str>)>) -> Vec<Group> {
        let mut groups: Vec<Group> = Vec::new();
        for (id, name) in members {
            let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else { continue };
            match groups.iter_mut().find(|g| g.name == name) {
                Some(group) => group.ids.push(id),
                None => groups.push(Group { name: name.to_owned(), ids: vec![id] }),
            }
        }
        groups.sort_by(|a, b| a.name.cmp(&b.name));
        groups
    }
}

/// What a deep link (`?activityDetail=<unique name>`) names: an interaction (`email-12`, `chat-7`,
/// `voice-3`) or one agent's activity on one (`activity-40`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UniqueName {
    Interaction(Channel, i64),
    Activity(i64),
}

impl UniqueName {
    pub fn parse(name: &str) -> Option<UniqueName> {
        let (kind, id) = name.trim().split_once('-')?;
        let id: i64 = id.parse().ok().filter(|id| *id > 0)?;
        match kind {
            "activity" => Some(UniqueName::Activity(id)),
            channel => Channel::parse(channel).map(|channel| UniqueName::Interaction(channel, id)),
        }
    }
}

impl std::fmt::Display for UniqueName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UniqueName::Interaction(channel, id) => write!(f, "{}-{id}", channel.as_str()),
            UniqueName::Activity(id) => write!(f, "activity-{id}"),
        }
    }
}

/// One agent's work on an interaction (DAK's activity): from Accept until the wrap-up is saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityDetail {
    pub id: i64,
    /// What a deep link names it by (`activity-<id>`).
    pub unique_name: String,
    pub user: Named,
    pub queue: Named,
    pub accepted_at: Millis,
    pub ended_at: Option<Millis>,
    pub wrapped_up_at: Option<Millis>,
    pub wrap_up_reason: Option<String>,
    /// Time worked on it with its tab in focus.
    pub focus_ms: i64,
    /// How often another activity or module took the focus from it.
    pub interruptions: u32,
    /// The focus time may be wrong (an unexpected shutdown, a lost connection): DAK's yellow triangle.
    pub time_anomaly: bool,
    pub transfer_note: Option<String>,
}

crate::string_enum! {
    /// A step of an interaction's way through the contact center.
    pub enum StepKind {
        /// It entered a queue.
        Queued = "queued",
        /// It was offered to an agent.
        Offered = "offered",
        /// The agent declined the offer.
        Declined = "declined",
        /// The agent let the offer ring out (RONA).
        Missed = "missed",
        /// An agent accepted it there.
        Answered = "answered",
        /// It left the queue for another queue or agent.
        Transferred = "transferred",
        /// The customer left before an agent answered.
        Abandoned = "abandoned",
        /// The agent's handling ended.
        Ended = "ended",
        /// The agent saved the wrap-up.
        WrappedUp = "wrapped_up",
    }
}

/// One timed step of the processing path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProcessingStep {
    pub at: Millis,
    pub kind: StepKind,
    pub queue: Option<String>,
    pub user: Option<String>,
    /// On a queue's last step: its offers that went unanswered (RONA) while it waited there.
    pub ronas: u32,
}

/// An interaction's detail: its row, its activities and the path it took.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InteractionDetail {
    pub interaction: InteractionRow,
    pub activities: Vec<ActivityDetail>,
    pub path: Vec<ProcessingStep>,
    /// The customer's answers to the post-chat survey.
    #[serde(default)]
    pub feedback: Vec<crate::feedback::FeedbackAnswer>,
}

#[cfg(test)]
mod tests;
