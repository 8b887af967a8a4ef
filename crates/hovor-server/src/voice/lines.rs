//! The phone pages' lines: a phone page says which number it has (`POST /api/phone/lines`, the
//! number kept out of URLs), listens on its line, and rings when Hovor calls that number.
//!
//! Lines are kept in the database and their news travels through the outbox, so a call placed on one
//! instance rings a page that listens on another, and a page that reconnects misses nothing.

use hovor_types::validate::phone_digits;
use hovor_types::voice::LineNews;

use crate::change::Change;
use crate::db::Conn;
use crate::error::AppResult;

/// How long a line's cookie lasts: the phone page's day, as its call's cookie.
pub const LINE_MAX_AGE_MS: i64 = 24 * 60 * 60 * 1000;

/// A line as its cookie names it.
pub struct Line {
    pub id: i64,
    pub digits: String,
    /// The newest event when the cookie was made: the page reads only the line's news after it.
    pub since_event: i64,
}

/// The line of the cookie `token_hash` has `number` (opened now; cookies of a past day are dropped).
pub async fn open(change: &mut Change, token_hash: &str, number: &str) -> AppResult<()> {
    let now = change.now;
    sqlx::query("DELETE FROM phone_line_cookies WHERE opened_at < $1")
        .bind(now - LINE_MAX_AGE_MS)
        .execute(&mut *change.tx)
        .await?;
    sqlx::query("INSERT INTO phone_lines (digits) VALUES ($1) ON CONFLICT (digits) DO NOTHING")
        .bind(phone_digits(number))
        .execute(&mut *change.tx)
        .await?;
    sqlx::query(
        "INSERT INTO phone_line_cookies (token_hash, line_id, opened_at, since_event)
         SELECT $1, id, $2, (SELECT COALESCE(MAX(id), 0) FROM events) FROM phone_lines WHERE digits = $3",
    )
    .bind(token_hash)
    .bind(now)
    .bind(phone_digits(number))
    .execute(&mut *change.tx)
    .await?;
    Ok(())
}

/// The line of a cookie opened within the last day.
pub async fn of_cookie(conn: &mut Conn, token_hash: &str, now: i64) -> AppResult<Option<Line>> {
    let line: Option<(i64, String, i64)> = sqlx::query_as(
        "SELECT l.id, l.digits, k.since_event FROM phone_line_cookies k JOIN phone_lines l ON l.id = k.line_id
         WHERE k.token_hash = $1 AND k.opened_at >= $2",
    )
    .bind(token_hash)
    .bind(now - LINE_MAX_AGE_MS)
    .fetch_optional(conn)
    .await?;
    Ok(line.map(|(id, digits, since_event)| Line { id, digits, since_event }))
}

/// Whether a phone page opened a line for `number` within the last day: only such a number can take a
/// call Hovor places (anything else is an unsupported destination).
pub async fn listened(conn: &mut Conn, number: &str, now: i64) -> AppResult<bool> {
    let open: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM phone_lines l JOIN phone_line_cookies k ON k.line_id = l.id
         WHERE l.digits = $1 AND k.opened_at >= $2 LIMIT 1",
    )
    .bind(phone_digits(number))
    .bind(now - LINE_MAX_AGE_MS)
    .fetch_optional(conn)
    .await?;
    Ok(open.is_some())
}

/// Tells the phone pages on the line of `number`, with the change (a number no page ever opened hears
/// nothing).
pub async fn tell(change: &mut Change, number: &str, news: LineNews) -> AppResult<()> {
    let line: Option<i64> = sqlx::query_scalar("SELECT id FROM phone_lines WHERE digits = $1")
        .bind(phone_digits(number))
        .fetch_optional(&mut *change.tx)
        .await?;
    match line {
        Some(line_id) => change.emit_line(line_id, news).await,
        None => Ok(()),
    }
}
