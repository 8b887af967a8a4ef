//! Listings → Interactions: the filtered, sorted pages of one channel's interactions, their count,
//! and the rights that decide whose interactions a user may list. Every read takes a [`Scope`],
//! which only [`Scope::of`] makes from the signed-in user: a query cannot forget the rights.

use hovor_types::auth::{Me, Role};
use hovor_types::conversation::Channel;
use hovor_types::error::{FieldError, Reason, Rule};
use hovor_types::listing::{
    EXPORT_MAX_ROWS, EmailState, Group, InteractionFilter, InteractionPage, InteractionRow,
    InteractionStatus, LISTING_PAGE, ListingChoices, ListingRights, Named, SortColumn, TEXT_EXCERPT_CHARS,
    UniqueName,
};
use hovor_types::message::Direction;

mod advanced;
mod detail;

pub use detail::{detail, named};
use futures_util::TryStreamExt;

use super::conversations::bad_value;
use crate::db::Conn;
use crate::error::{AppError, AppResult};
use crate::store::audit::Edit;

/// Whose interactions a user may list: everything for an administrator; otherwise their own and
/// those of the users and queues an administrator granted them.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    user_id: i64,
    everything: bool,
}

impl Scope {
    pub fn of(me: &Me) -> Scope {
        Scope { user_id: me.id, everything: me.role == Role::Admin }
    }
}

/// Whether the user `$1` (`$2` 1 when they may see everything) may see the interaction `c`.
macro_rules! may_see {
    () => {
        "($2 = 1 OR c.agent_id = $1
          OR EXISTS (SELECT 1 FROM activities a WHERE a.conversation_id = c.id AND a.agent_id = $1)
          OR c.queue_id IN (SELECT queue_id FROM listing_queue_rights WHERE user_id = $1)
          OR c.agent_id IN (SELECT seen_user_id FROM listing_user_rights WHERE user_id = $1))"
    };
}

/// Whether `scope` may see the interaction `id` (false too when there is none).
pub async fn visible(conn: &mut Conn, scope: Scope, id: i64) -> AppResult<bool> {
    let found: Option<i64> =
        sqlx::query_scalar(concat!("SELECT c.id FROM conversations c WHERE c.id = $3 AND ", may_see!()))
            .bind(scope.user_id)
            .bind(i64::from(scope.everything))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(found.is_some())
}

/// The conditions every listing read shares: `$1` the user, `$2` 1 for everything, `$3` channel,
/// `$4`/`$5` the time range, `$6` users and `$7` queues (JSON arrays), `$8` contact, `$9` text,
/// `$10` status, `$11` direction.
const MATCHING: &str = concat!(
    "c.channel = $3 AND c.queued_at >= $4 AND c.queued_at < $5 AND ",
    may_see!(),
    "
      AND ($6 = '[]' OR c.agent_id IN (SELECT CAST(value AS BIGINT) FROM json_each($6)))
      AND ($7 = '[]' OR c.queue_id IN (SELECT CAST(value AS BIGINT) FROM json_each($7)))
      AND ($8 IS NULL OR c.contact_id = $8)
      AND ($9 IS NULL
           OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND instr(lower(m.body), $9) > 0)
           OR EXISTS (SELECT 1 FROM emails e WHERE e.conversation_id = c.id AND instr(lower(e.text), $9) > 0))
      AND ($10 IS NULL OR c.status = $10)
      AND ($11 IS NULL OR c.direction = $11)"
);

/// Binds [`MATCHING`]'s parameters, in its order.
macro_rules! bind_matching {
    ($query:expr, $scope:expr, $filter:expr) => {{
        let ids = |ids: &[i64]| serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
        $query
            .bind($scope.user_id)
            .bind(i64::from($scope.everything))
            .bind($filter.channel.as_str())
            .bind($filter.from)
            .bind($filter.to)
            .bind(ids(&$filter.user_ids))
            .bind(ids(&$filter.queue_ids))
            .bind($filter.contact_id)
            .bind($filter.text.clone())
            .bind($filter.status.map(InteractionStatus::as_str))
            .bind($filter.direction.map(Direction::as_str))
    }};
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    channel: String,
    queued_at: i64,
    queue_id: i64,
    queue_name: String,
    agent_id: Option<i64>,
    agent_name: Option<String>,
    contact_id: Option<i64>,
    contact_name: Option<String>,
    account_id: Option<i64>,
    account_name: Option<String>,
    case_id: Option<i64>,
    case_name: Option<String>,
    subject: Option<String>,
    customer_name: Option<String>,
    attachments: i64,
    first_text: Option<String>,
    status: String,
    direction: String,
    email_status: Option<String>,
    anonymised_at: Option<i64>,
    rating: Option<i64>,
    comment: Option<String>,
}

/// The columns a row shows, computed for the page's interactions only (`p`, picked by [`ordered`]).
const COLUMNS: &str = "
    SELECT c.id, c.channel, c.queued_at, c.queue_id, q.name AS queue_name, c.agent_id, u.display_name AS agent_name,
           c.contact_id, CASE WHEN k.id IS NULL THEN NULL ELSE k.first_name || ' ' || k.last_name END AS contact_name,
           k.account_id, (SELECT a.name FROM accounts a WHERE a.id = k.account_id) AS account_name,
           c.case_id, s.number || ' · ' || s.title AS case_name,
           c.subject, c.customer_name, c.status, c.direction, c.anonymised_at, c.rating,
           {ATTACHMENTS} AS attachments,
           (SELECT m.body FROM messages m WHERE m.conversation_id = c.id ORDER BY m.at, m.id LIMIT 1) AS first_text,
           (SELECT e.status FROM emails e WHERE e.conversation_id = c.id AND e.kind <> 'received'
             ORDER BY e.message_id DESC LIMIT 1) AS email_status,
           (SELECT f.comment FROM feedback_answers f WHERE f.conversation_id = c.id AND f.comment IS NOT NULL
             ORDER BY f.id LIMIT 1) AS comment
    FROM picked p
    JOIN conversations c ON c.id = p.id
    JOIN queues q ON q.id = c.queue_id
    LEFT JOIN users u ON u.id = c.agent_id
    LEFT JOIN contacts k ON k.id = c.contact_id
    LEFT JOIN cases s ON s.id = c.case_id";

/// An interaction's attachments, over its emails.
const ATTACHMENTS: &str = "(SELECT CAST(COALESCE(SUM(json_array_length(e.attachments)), 0) AS BIGINT)
    FROM emails e WHERE e.conversation_id = c.id)";

/// What a column sorts by, and the tables that needs besides the interaction; fixed text, never the
/// caller's.
fn sort_key(sort: SortColumn) -> (&'static str, &'static str) {
    match sort {
        SortColumn::Time => ("c.queued_at", ""),
        SortColumn::Queue => ("q.name", "JOIN queues q ON q.id = c.queue_id"),
        SortColumn::User => ("COALESCE(u.display_name, '')", "LEFT JOIN users u ON u.id = c.agent_id"),
        SortColumn::Contact => (
            "COALESCE(k.last_name || ' ' || k.first_name, '')",
            "LEFT JOIN contacts k ON k.id = c.contact_id",
        ),
        SortColumn::Title => ("COALESCE(c.subject, c.customer_name, '')", ""),
        SortColumn::Attachments => (ATTACHMENTS, ""),
        SortColumn::Status => ("c.status", ""),
        SortColumn::Rating => ("COALESCE(c.rating, 0)", ""),
    }
}

/// The statement reading the matching interactions in the filter's order, `$12` rows from `$13`,
/// the Advanced filter's values from `$14`: the rows are picked and ordered on their sort key first,
/// and only the picked ones read in full.
fn ordered(filter: &InteractionFilter) -> String {
    let direction = if filter.desc { "DESC" } else { "ASC" };
    let (key, joins) = sort_key(filter.sort);
    // Qualified: the picked rows' `id` beside a joined table's would be ambiguous.
    let order =
        |of: &str, key: &str| format!("{key} {direction}, {of}.queued_at {direction}, {of}.id {direction}");
    format!(
        "WITH picked AS (
             SELECT c.id, c.channel, c.queued_at, {key} AS sort_key FROM conversations c {joins}
             WHERE {MATCHING}{} ORDER BY {} LIMIT $12 OFFSET $13)
         {} ORDER BY {}",
        advanced::sql(&filter.advanced, 14),
        order("c", "sort_key"),
        COLUMNS.replace("{ATTACHMENTS}", ATTACHMENTS),
        order("p", "p.sort_key"),
    )
}

/// One page of the interactions `scope` may see that match `filter`.
pub async fn page(conn: &mut Conn, scope: Scope, filter: &InteractionFilter) -> AppResult<InteractionPage> {
    // Fixed fragments only: the sort column and direction come from `order_by` and the flag.
    let query = bind_matching!(sqlx::query_as(sqlx::AssertSqlSafe(ordered(filter))), scope, filter)
        .bind(i64::from(LISTING_PAGE) + 1)
        .bind(i64::from(filter.page) * i64::from(LISTING_PAGE));
    let rows: Vec<Row> = advanced::bind_advanced!(query, filter).fetch_all(&mut *conn).await?;
    let more = rows.len() > LISTING_PAGE as usize;
    let rows = rows.into_iter().take(LISTING_PAGE as usize).map(interaction).collect::<AppResult<_>>()?;
    Ok(InteractionPage { rows, page: filter.page, more, from: filter.from, to: filter.to })
}

/// Where [`each`] hands the rows it reads.
pub trait RowSink {
    /// Takes one row; `false` when no more are wanted.
    fn take(&mut self, row: InteractionRow) -> impl Future<Output = bool> + Send;
}

/// Hands every matching interaction, in order and at most [`EXPORT_MAX_ROWS`], to `sink` as the
/// database yields it (none is held); stops early when the sink wants no more (the reader went away).
pub async fn each(
    conn: &mut Conn,
    scope: Scope,
    filter: &InteractionFilter,
    sink: &mut impl RowSink,
) -> AppResult<()> {
    let query = bind_matching!(sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(ordered(filter))), scope, filter)
        .bind(i64::from(EXPORT_MAX_ROWS))
        .bind(0_i64);
    let query = advanced::bind_advanced!(query, filter);
    let mut rows = query.fetch(&mut *conn);
    while let Some(row) = rows.try_next().await? {
        if !sink.take(interaction(row)?).await {
            break;
        }
    }
    Ok(())
}

/// How many interactions `scope` may see match `filter`.
pub async fn count(conn: &mut Conn, scope: Scope, filter: &InteractionFilter) -> AppResult<u64> {
    let sql = format!(
        "SELECT COUNT(*) FROM conversations c WHERE {MATCHING}{}",
        advanced::sql(&filter.advanced, 12)
    );
    let query = bind_matching!(sqlx::query_scalar(sqlx::AssertSqlSafe(sql)), scope, filter);
    let total: i64 = advanced::bind_advanced!(query, filter).fetch_one(&mut *conn).await?;
    Ok(u64::try_from(total).unwrap_or(0))
}

/// The interaction `id` as a row of the list, when `scope` may see it.
pub async fn one(conn: &mut Conn, scope: Scope, id: i64) -> AppResult<Option<InteractionRow>> {
    let sql = format!(
        "WITH picked AS (SELECT c.id FROM conversations c WHERE c.id = $3 AND {}) {}",
        may_see!(),
        COLUMNS.replace("{ATTACHMENTS}", ATTACHMENTS),
    );
    // Fixed fragments only.
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(scope.user_id)
        .bind(i64::from(scope.everything))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(interaction).transpose()
}

/// The interactions of the case `case_id` that `scope` may see, newest first, at most a page.
pub async fn of_case(conn: &mut Conn, scope: Scope, case_id: i64) -> AppResult<Vec<InteractionRow>> {
    let sql = format!(
        "WITH picked AS (SELECT c.id, c.queued_at FROM conversations c WHERE c.case_id = $3 AND {}
                         ORDER BY c.queued_at DESC, c.id DESC LIMIT $4)
         {} ORDER BY p.queued_at DESC, p.id DESC",
        may_see!(),
        COLUMNS.replace("{ATTACHMENTS}", ATTACHMENTS),
    );
    // Fixed fragments only.
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(scope.user_id)
        .bind(i64::from(scope.everything))
        .bind(case_id)
        .bind(i64::from(LISTING_PAGE))
        .fetch_all(&mut *conn)
        .await?;
    rows.into_iter().map(interaction).collect()
}

fn interaction(row: Row) -> AppResult<InteractionRow> {
    let channel = Channel::parse(&row.channel).ok_or_else(|| bad_value("channel", &row.channel))?;
    let status = InteractionStatus::parse(&row.status).ok_or_else(|| bad_value("status", &row.status))?;
    let direction = Direction::parse(&row.direction).ok_or_else(|| bad_value("direction", &row.direction))?;
    let email_state = match (direction, row.email_status.as_deref()) {
        (Direction::Outbound, Some(state)) => EmailState::parse(state),
        _ => None,
    };
    let text: String = row.first_text.unwrap_or_default().chars().take(TEXT_EXCERPT_CHARS).collect();
    Ok(InteractionRow {
        id: row.id,
        unique_name: UniqueName::Interaction(channel, row.id).to_string(),
        channel,
        at: row.queued_at,
        queue: Named { id: row.queue_id, name: row.queue_name },
        user: row.agent_id.zip(row.agent_name).map(|(id, name)| Named { id, name }),
        contact: row.contact_id.zip(row.contact_name).map(|(id, name)| Named { id, name }),
        account: row.account_id.zip(row.account_name).map(|(id, name)| Named { id, name }),
        case: row.case_id.zip(row.case_name).map(|(id, name)| Named { id, name }),
        title: row.subject.or(row.customer_name).unwrap_or_default(),
        attachments: u32::try_from(row.attachments).unwrap_or(0),
        text,
        status,
        direction,
        email_state,
        anonymised: row.anonymised_at.is_some(),
        rating: row.rating.and_then(|r| u8::try_from(r).ok()),
        comment: row.comment.map(|c| c.chars().take(TEXT_EXCERPT_CHARS).collect()),
    })
}

/// Pairs the interaction `id` with a contact (or none), or puts it into a case (or none), inside the
/// caller's transaction, when `scope` may see it (`NotFound` otherwise); an anonymised one has nothing
/// to pair (`Conflict(Anonymised)`). Audited as the desk's own pairing is.
pub async fn relink(conn: &mut Conn, scope: Scope, id: i64, link: Relink, by: Edit) -> AppResult<()> {
    if !visible(conn, scope, id).await? {
        return Err(AppError::NotFound);
    }
    let anonymised: Option<i64> = sqlx::query_scalar("SELECT anonymised_at FROM conversations WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    if anonymised.is_some() {
        return Err(AppError::Conflict(Reason::Anonymised));
    }
    match link {
        Relink::Contact(contact_id) => super::customers::set_contact(conn, id, contact_id, by).await,
        Relink::Case(case_id) => super::cases::link(conn, id, case_id, by).await,
    }
}

/// What [`relink`] changes.
#[derive(Debug, Clone, Copy)]
pub enum Relink {
    Contact(Option<i64>),
    Case(Option<i64>),
}

/// The users and queues `scope` may filter by: itself and the users granted, the queues granted and
/// those it is a member of; everyone and every queue for an administrator. Deactivated ones included,
/// named apart.
pub async fn choices(conn: &mut Conn, scope: Scope) -> AppResult<ListingChoices> {
    let users: Vec<(i64, String, Option<String>, Option<i64>)> = sqlx::query_as(
        "SELECT id, display_name, team, deactivated_at FROM users
         WHERE $2 = 1 OR id = $1 OR id IN (SELECT seen_user_id FROM listing_user_rights WHERE user_id = $1)
         ORDER BY display_name, id",
    )
    .bind(scope.user_id)
    .bind(i64::from(scope.everything))
    .fetch_all(&mut *conn)
    .await?;
    let queues: Vec<(i64, String, Option<String>, Option<i64>)> = sqlx::query_as(
        "SELECT id, name, queue_group, deactivated_at FROM queues
         WHERE $2 = 1 OR id IN (SELECT queue_id FROM listing_queue_rights WHERE user_id = $1)
            OR id IN (SELECT queue_id FROM queue_members WHERE user_id = $1)
         ORDER BY name, id",
    )
    .bind(scope.user_id)
    .bind(i64::from(scope.everything))
    .fetch_all(&mut *conn)
    .await?;
    let inactive = |list: &[(i64, String, Option<String>, Option<i64>)]| {
        list.iter().filter(|(.., deactivated)| deactivated.is_some()).map(|(id, ..)| *id).collect()
    };
    let groups = |list: &[(i64, String, Option<String>, Option<i64>)]| {
        Group::gather(list.iter().map(|(id, _, group, _)| (*id, group.as_deref())))
    };
    let named = |list: Vec<(i64, String, Option<String>, Option<i64>)>| {
        list.into_iter().map(|(id, name, ..)| Named { id, name }).collect()
    };
    Ok(ListingChoices {
        teams: groups(&users),
        queue_groups: groups(&queues),
        inactive_users: inactive(&users),
        inactive_queues: inactive(&queues),
        users: named(users),
        queues: named(queues),
    })
}

pub async fn rights(conn: &mut Conn, user_id: i64) -> AppResult<ListingRights> {
    let user_ids = sqlx::query_scalar(
        "SELECT seen_user_id FROM listing_user_rights WHERE user_id = $1 ORDER BY seen_user_id",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    let queue_ids =
        sqlx::query_scalar("SELECT queue_id FROM listing_queue_rights WHERE user_id = $1 ORDER BY queue_id")
            .bind(user_id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(ListingRights { user_ids, queue_ids })
}

/// Replaces what `user_id` may list; an id of no user or queue is refused, naming its field.
pub async fn set_rights(conn: &mut Conn, user_id: i64, rights: &ListingRights) -> AppResult<()> {
    let known = [
        (
            "SELECT COUNT(*) FROM users WHERE id IN (SELECT CAST(value AS BIGINT) FROM json_each($1))",
            &rights.user_ids,
            "user_ids",
        ),
        (
            "SELECT COUNT(*) FROM queues WHERE id IN (SELECT CAST(value AS BIGINT) FROM json_each($1))",
            &rights.queue_ids,
            "queue_ids",
        ),
    ];
    for (sql, ids, field) in known {
        let list = serde_json::to_string(ids).map_err(|e| AppError::Internal(e.into()))?;
        let found: i64 = sqlx::query_scalar(sql).bind(list).fetch_one(&mut *conn).await?;
        if usize::try_from(found).unwrap_or(0) != ids.len() {
            return Err(AppError::Validation(FieldError::new(field, Rule::NotAnOption)));
        }
    }
    sqlx::query("DELETE FROM listing_user_rights WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM listing_queue_rights WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    for seen in &rights.user_ids {
        sqlx::query("INSERT INTO listing_user_rights (user_id, seen_user_id) VALUES ($1, $2)")
            .bind(user_id)
            .bind(seen)
            .execute(&mut *conn)
            .await?;
    }
    for queue in &rights.queue_ids {
        sqlx::query("INSERT INTO listing_queue_rights (user_id, queue_id) VALUES ($1, $2)")
            .bind(user_id)
            .bind(queue)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
