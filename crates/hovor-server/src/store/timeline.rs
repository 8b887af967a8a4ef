//! The timeline of a conversation's related record (contact, account or case), read a page at a time
//! from the newest end: messages, notes, case changes and interactions on one line. Each kind is
//! read by its own indexed statement, newest first and at most a page plus one, and the kinds are
//! merged here; so a page costs the same whatever the depth of history.

use crate::db::{Conn, Pool};
use hovor_types::conversation::Channel;
use hovor_types::error::{FieldError, Rule};
use hovor_types::message::Direction;
use hovor_types::timeline::{
    EntryKind, RelatedRecord, RelatedRecords, TimelineCursor, TimelineEntry, TimelinePage,
};

use super::audit::{SYSTEM, change_text};
use super::conversations::{ConversationRow, bad_value};
use crate::error::AppResult;

/// The records a conversation is linked to, with their names.
#[derive(Debug, Clone, Default)]
pub struct Linked {
    pub contact: Option<(i64, String)>,
    pub account: Option<(i64, String)>,
    pub case: Option<(i64, String)>,
}

impl Linked {
    pub fn id(&self, record: RelatedRecord) -> Option<i64> {
        let linked = match record {
            RelatedRecord::Contact => &self.contact,
            RelatedRecord::Account => &self.account,
            RelatedRecord::Case => &self.case,
        };
        linked.as_ref().map(|(id, _)| *id)
    }

    /// The record, if the conversation has it; otherwise 422 `record`.
    pub fn require(&self, record: RelatedRecord) -> AppResult<i64> {
        Ok(self.id(record).ok_or(FieldError::new("record", Rule::NotAnOption))?)
    }

    /// What the timeline follows unless asked: the contact, else the case.
    fn default_record(&self) -> Option<RelatedRecord> {
        if self.contact.is_some() {
            Some(RelatedRecord::Contact)
        } else if self.case.is_some() {
            Some(RelatedRecord::Case)
        } else {
            None
        }
    }

    fn names(&self) -> RelatedRecords {
        let name = |r: &Option<(i64, String)>| r.as_ref().map(|(_, n)| n.clone());
        RelatedRecords { contact: name(&self.contact), account: name(&self.account), case: name(&self.case) }
    }
}

pub async fn linked(conn: &mut Conn, c: &ConversationRow) -> AppResult<Linked> {
    let contact: Option<(i64, String, Option<i64>)> = match c.contact_id {
        Some(id) => {
            sqlx::query_as(
                "SELECT id, first_name || ' ' || last_name, account_id FROM contacts WHERE id = $1 AND merged_into IS NULL",
            )
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
        }
        None => None,
    };
    let account = match contact.as_ref().and_then(|(_, _, account)| *account) {
        Some(id) => {
            sqlx::query_as("SELECT id, name FROM accounts WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
        }
        None => None,
    };
    let case = match c.case_id {
        Some(id) => {
            sqlx::query_as("SELECT id, number || ' · ' || title FROM cases WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
        }
        None => None,
    };
    Ok(Linked { contact: contact.map(|(id, name, _)| (id, name)), account, case })
}

/// The cursor each kind's statement binds: its rows with `(at, id) <= (at, bound)` are exactly the
/// entries strictly before `(before_at, before_key)`, since `key = id * KEY_KINDS + rank`. Comparing
/// plain columns keeps each statement an index range scan.
struct Cut {
    at: i64,
    key: i64,
    rows: i64,
}

impl Cut {
    fn id_bound(&self, kind: EntryKind) -> i64 {
        (self.key - kind.rank() - 1).div_euclid(EntryKind::KEY_KINDS)
    }
}

/// Messages of `$filter = $1`, newest first.
macro_rules! messages_sql {
    ($filter:literal) => {
        concat!(
            "SELECT m.id, m.conversation_id, c.channel, c.started_at, m.direction, m.author, m.body, m.at
             FROM messages m JOIN conversations c ON c.id = m.conversation_id
             WHERE ",
            $filter,
            " = $1 AND (m.at, m.id) <= ($2, $3) ORDER BY m.at DESC, m.id DESC LIMIT $4"
        )
    };
}

/// Notes on the record `$column = $1`, newest first.
macro_rules! notes_sql {
    ($column:literal) => {
        concat!(
            "SELECT n.id, n.conversation_id, c.channel, c.started_at, u.display_name, n.body, n.at
             FROM notes n LEFT JOIN conversations c ON c.id = n.conversation_id
             LEFT JOIN users u ON u.id = n.author_id
             WHERE n.",
            $column,
            " = $1 AND (n.at, n.id) <= ($2, $3) ORDER BY n.at DESC, n.id DESC LIMIT $4"
        )
    };
}

/// Conversations matching `$filter` (its one parameter is `$1`), newest first.
macro_rules! interactions_sql {
    ($filter:literal) => {
        concat!(
            "SELECT c.id, c.channel, c.started_at, c.direction, q.name, u.display_name
             FROM conversations c JOIN queues q ON q.id = c.queue_id LEFT JOIN users u ON u.id = c.agent_id
             WHERE ",
            $filter,
            " AND (c.started_at, c.id) <= ($2, $3) ORDER BY c.started_at DESC, c.id DESC LIMIT $4"
        )
    };
}

/// Audit rows of the cases matching `$filter` (its one parameter is `$1`), newest first.
macro_rules! case_changes_sql {
    ($filter:literal) => {
        concat!(
            "SELECT a.id, a.field, a.old_value, a.new_value, u.display_name, a.at
             FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
             WHERE a.record = 'case' AND a.record_id ",
            $filter,
            " AND (a.at, a.id) <= ($2, $3) ORDER BY a.at DESC, a.id DESC LIMIT $4"
        )
    };
}

/// Recordings of the calls matching `$filter` (its one parameter is `$1`) that the viewer (`$5`) may
/// hear (the rule of `conversations::visible`, which the audio's download checks), newest first.
macro_rules! recordings_sql {
    ($filter:literal) => {
        concat!(
            "SELECT r.id, r.conversation_id, c.channel, c.started_at, r.started_at
             FROM recordings r JOIN conversations c ON c.id = r.conversation_id
             WHERE ",
            $filter,
            " AND (r.started_at, r.id) <= ($2, $3)
               AND (EXISTS (SELECT 1 FROM queue_members m WHERE m.queue_id = c.queue_id AND m.user_id = $5)
                    OR EXISTS (SELECT 1 FROM activities a WHERE a.conversation_id = c.id AND a.agent_id = $5))
             ORDER BY r.started_at DESC, r.id DESC LIMIT $4"
        )
    };
}

/// Callbacks agreed in the conversations matching `$filter` (its one parameter is `$1`) that the viewer
/// (`$5`) may see (the rule of `callbacks::visible`), newest first.
macro_rules! callbacks_sql {
    ($filter:literal) => {
        concat!(
            "SELECT b.id, b.conversation_id, c.channel, c.started_at, u.display_name,
                    b.local_date || ' ' || b.local_start || '–' || b.local_end || ' ' || b.time_zone,
                    a.display_name, b.created_at
             FROM callbacks b JOIN conversations c ON c.id = b.conversation_id
             LEFT JOIN users u ON u.id = b.created_by LEFT JOIN users a ON a.id = b.assignee_id
             WHERE ",
            $filter,
            " AND b.kind = 'scheduled' AND (b.created_at, b.id) <= ($2, $3)
               AND (b.assignee_id = $5
                    OR EXISTS (SELECT 1 FROM queue_members m WHERE m.queue_id = b.queue_id AND m.user_id = $5))
             ORDER BY b.created_at DESC, b.id DESC LIMIT $4"
        )
    };
}

type MessageRow = (i64, i64, String, i64, String, String, String, i64);
type NoteRow = (i64, Option<i64>, Option<String>, Option<i64>, Option<String>, String, i64);
type InteractionRow = (i64, String, i64, String, String, Option<String>);
type ChangeRow = (i64, String, Option<String>, Option<String>, Option<String>, i64);
type RecordingRow = (i64, i64, String, i64, i64);
type CallbackRow = (i64, i64, String, i64, Option<String>, String, Option<String>, i64);

#[allow(clippy::too_many_arguments)]
fn entry(
    id: i64,
    kind: EntryKind,
    conversation_id: i64,
    channel: Channel,
    interaction_started_at: i64,
    direction: Direction,
    author: String,
    body: String,
    at: i64,
) -> TimelineEntry {
    TimelineEntry {
        id,
        kind,
        key: kind.key(id),
        conversation_id,
        channel,
        interaction_started_at,
        direction,
        author,
        body,
        at,
    }
}

fn channel(s: &str) -> AppResult<Channel> {
    Channel::parse(s).ok_or_else(|| bad_value("channel", s))
}

fn direction(s: &str) -> AppResult<Direction> {
    Direction::parse(s).ok_or_else(|| bad_value("direction", s))
}

/// Reads every kind into `out`; `here` lends its channel to entries that have no conversation.
struct Reader<'a> {
    conn: &'a mut Conn,
    cut: Cut,
    here: &'a ConversationRow,
    /// The user reading: recordings of calls they may not hear are left out.
    viewer: i64,
    out: Vec<TimelineEntry>,
}

impl Reader<'_> {
    async fn messages(&mut self, sql: &'static str, key: i64) -> AppResult<()> {
        let rows: Vec<MessageRow> = sqlx::query_as(sql)
            .bind(key)
            .bind(self.cut.at)
            .bind(self.cut.id_bound(EntryKind::Message))
            .bind(self.cut.rows)
            .fetch_all(&mut *self.conn)
            .await?;
        for (id, conversation_id, ch, started, dir, author, body, at) in rows {
            let e = entry(
                id,
                EntryKind::Message,
                conversation_id,
                channel(&ch)?,
                started,
                direction(&dir)?,
                author,
                body,
                at,
            );
            self.out.push(e);
        }
        Ok(())
    }

    async fn notes(&mut self, sql: &'static str, key: i64) -> AppResult<()> {
        let rows: Vec<NoteRow> = sqlx::query_as(sql)
            .bind(key)
            .bind(self.cut.at)
            .bind(self.cut.id_bound(EntryKind::Note))
            .bind(self.cut.rows)
            .fetch_all(&mut *self.conn)
            .await?;
        for (id, conversation_id, ch, started, author, body, at) in rows {
            let ch = match ch {
                Some(ch) => channel(&ch)?,
                None => self.here.channel,
            };
            let e = entry(
                id,
                EntryKind::Note,
                conversation_id.unwrap_or(self.here.id),
                ch,
                started.unwrap_or(at),
                Direction::Outbound,
                author.unwrap_or_else(|| SYSTEM.to_owned()),
                body,
                at,
            );
            self.out.push(e);
        }
        Ok(())
    }

    async fn interactions(&mut self, sql: &'static str, key: i64) -> AppResult<()> {
        let rows: Vec<InteractionRow> = sqlx::query_as(sql)
            .bind(key)
            .bind(self.cut.at)
            .bind(self.cut.id_bound(EntryKind::Interaction))
            .bind(self.cut.rows)
            .fetch_all(&mut *self.conn)
            .await?;
        for (id, ch, started, dir, queue, agent) in rows {
            let e = entry(
                id,
                EntryKind::Interaction,
                id,
                channel(&ch)?,
                started,
                direction(&dir)?,
                agent.unwrap_or_default(),
                queue,
                started,
            );
            self.out.push(e);
        }
        Ok(())
    }

    async fn recordings(&mut self, sql: &'static str, key: i64) -> AppResult<()> {
        let rows: Vec<RecordingRow> = sqlx::query_as(sql)
            .bind(key)
            .bind(self.cut.at)
            .bind(self.cut.id_bound(EntryKind::Recording))
            .bind(self.cut.rows)
            .bind(self.viewer)
            .fetch_all(&mut *self.conn)
            .await?;
        for (id, conversation_id, ch, started, at) in rows {
            let e = entry(
                id,
                EntryKind::Recording,
                conversation_id,
                channel(&ch)?,
                started,
                Direction::Outbound,
                String::new(),
                String::new(),
                at,
            );
            self.out.push(e);
        }
        Ok(())
    }

    async fn callbacks(&mut self, sql: &'static str, key: i64) -> AppResult<()> {
        let rows: Vec<CallbackRow> = sqlx::query_as(sql)
            .bind(key)
            .bind(self.cut.at)
            .bind(self.cut.id_bound(EntryKind::Callback))
            .bind(self.cut.rows)
            .bind(self.viewer)
            .fetch_all(&mut *self.conn)
            .await?;
        for (id, conversation_id, ch, started, author, window, assignee, at) in rows {
            let body = match assignee {
                Some(assignee) => format!("{window} · {assignee}"),
                None => window,
            };
            let e = entry(
                id,
                EntryKind::Callback,
                conversation_id,
                channel(&ch)?,
                started,
                Direction::Outbound,
                author.unwrap_or_else(|| SYSTEM.to_owned()),
                body,
                at,
            );
            self.out.push(e);
        }
        Ok(())
    }

    async fn case_changes(&mut self, sql: &'static str, key: i64) -> AppResult<()> {
        let rows: Vec<ChangeRow> = sqlx::query_as(sql)
            .bind(key)
            .bind(self.cut.at)
            .bind(self.cut.id_bound(EntryKind::CaseChange))
            .bind(self.cut.rows)
            .fetch_all(&mut *self.conn)
            .await?;
        for (id, field, old, new, author, at) in rows {
            let e = entry(
                id,
                EntryKind::CaseChange,
                self.here.id,
                self.here.channel,
                at,
                Direction::Outbound,
                author.unwrap_or_else(|| SYSTEM.to_owned()),
                change_text(&field, old.as_deref(), new.as_deref()),
                at,
            );
            self.out.push(e);
        }
        Ok(())
    }
}

/// `viewer`: the user reading, whose access decides which recordings are listed.
pub async fn page(
    pool: &Pool,
    viewer: i64,
    c: &ConversationRow,
    record: Option<RelatedRecord>,
    before: Option<TimelineCursor>,
    limit: u32,
) -> AppResult<TimelinePage> {
    let mut conn = pool.acquire().await?;
    let linked = linked(&mut conn, c).await?;
    let record = match record {
        Some(record) => {
            linked.require(record)?;
            Some(record)
        }
        None => linked.default_record(),
    };
    let (at, key) = before.map_or((i64::MAX, i64::MAX), |b| (b.before_at, b.before_key));
    let cut = Cut { at, key, rows: i64::from(limit) + 1 };
    let mut r = Reader { conn: &mut conn, cut, here: c, viewer, out: Vec::new() };
    match record.and_then(|record| Some((record, linked.id(record)?))) {
        Some((RelatedRecord::Contact, id)) => {
            r.messages(messages_sql!("m.contact_id"), id).await?;
            r.notes(notes_sql!("contact_id"), id).await?;
            r.interactions(interactions_sql!("c.contact_id = $1"), id).await?;
            r.recordings(recordings_sql!("c.contact_id = $1"), id).await?;
            r.callbacks(callbacks_sql!("c.contact_id = $1"), id).await?;
            r.case_changes(case_changes_sql!("IN (SELECT id FROM cases WHERE contact_id = $1)"), id).await?;
        }
        Some((RelatedRecord::Account, id)) => {
            r.notes(notes_sql!("account_id"), id).await?;
            let of_account =
                interactions_sql!("c.contact_id IN (SELECT id FROM contacts WHERE account_id = $1)");
            r.interactions(of_account, id).await?;
            let account_calls =
                recordings_sql!("c.contact_id IN (SELECT id FROM contacts WHERE account_id = $1)");
            r.recordings(account_calls, id).await?;
            let account_callbacks =
                callbacks_sql!("c.contact_id IN (SELECT id FROM contacts WHERE account_id = $1)");
            r.callbacks(account_callbacks, id).await?;
            let cases = case_changes_sql!(
                "IN (SELECT id FROM cases WHERE contact_id IN (SELECT id FROM contacts WHERE account_id = $1))"
            );
            r.case_changes(cases, id).await?;
        }
        Some((RelatedRecord::Case, id)) => {
            r.messages(messages_sql!("c.case_id"), id).await?;
            r.notes(notes_sql!("case_id"), id).await?;
            r.interactions(interactions_sql!("c.case_id = $1"), id).await?;
            r.recordings(recordings_sql!("c.case_id = $1"), id).await?;
            r.callbacks(callbacks_sql!("c.case_id = $1"), id).await?;
            r.case_changes(case_changes_sql!("= $1"), id).await?;
        }
        None => {
            r.messages(messages_sql!("m.conversation_id"), c.id).await?;
            r.recordings(recordings_sql!("c.id = $1"), c.id).await?;
            r.callbacks(callbacks_sql!("c.id = $1"), c.id).await?;
        }
    }
    let mut entries = r.out;
    entries.sort_by_key(|e| std::cmp::Reverse((e.at, e.key)));
    let has_older = entries.len() > limit as usize;
    entries.truncate(limit as usize);
    entries.reverse();
    let older = match entries.first() {
        Some(first) if has_older => Some(TimelineCursor { before_at: first.at, before_key: first.key }),
        _ => None,
    };
    Ok(TimelinePage { entries, older, related: linked.names(), record })
}

/// A quick note on the conversation's related record: stored with the conversation it was written in.
pub async fn add_note(
    conn: &mut Conn,
    c: &ConversationRow,
    record: RelatedRecord,
    body: &str,
    author: (i64, &str),
    at: i64,
) -> AppResult<TimelineEntry> {
    let linked = linked(conn, c).await?;
    let record_id = linked.require(record)?;
    let column = |r: RelatedRecord| (r == record).then_some(record_id);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO notes (contact_id, account_id, case_id, conversation_id, author_id, body, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(column(RelatedRecord::Contact))
    .bind(column(RelatedRecord::Account))
    .bind(column(RelatedRecord::Case))
    .bind(c.id)
    .bind(author.0)
    .bind(body)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(entry(
        id,
        EntryKind::Note,
        c.id,
        c.channel,
        c.started_at,
        Direction::Outbound,
        author.1.to_owned(),
        body.to_owned(),
        at,
    ))
}
