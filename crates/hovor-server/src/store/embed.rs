//! The embedded desk's single-use secrets: the sign-in popup's codes, bound to the frame's challenge,
//! and the tickets that open a bearer session's event stream. Only their SHA-256 is stored; each is
//! taken (deleted) by the one request that uses it.

use hovor_types::Millis;

use crate::auth::{new_token, token_hash};
use crate::change::Change;
use crate::error::AppResult;

/// A new code for `user_id`'s frame with `challenge`; the code and when it expires.
pub async fn issue_code(
    change: &mut Change,
    user_id: i64,
    challenge: &str,
    lasts: Millis,
) -> AppResult<(String, Millis)> {
    let (code, expires_at) = (new_token(), change.now + lasts);
    sqlx::query("DELETE FROM embed_codes WHERE expires_at < $1")
        .bind(change.now)
        .execute(&mut *change.tx)
        .await?;
    sqlx::query(
        "INSERT INTO embed_codes (code_hash, user_id, challenge, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash(&code))
    .bind(user_id)
    .bind(challenge)
    .bind(expires_at)
    .execute(&mut *change.tx)
    .await?;
    Ok((code, expires_at))
}

/// Takes a live code: its user and challenge. A code is taken once, whatever the verifier says.
pub async fn take_code(change: &mut Change, code: &str) -> AppResult<Option<(i64, String)>> {
    Ok(sqlx::query_as(
        "DELETE FROM embed_codes WHERE code_hash = $1 AND expires_at >= $2 RETURNING user_id, challenge",
    )
    .bind(token_hash(code))
    .bind(change.now)
    .fetch_optional(&mut *change.tx)
    .await?)
}

/// Records an assertion's id as used; false when it was used before (a replay).
pub async fn first_use_of_assertion(change: &mut Change, jti: &str, expires_at: Millis) -> AppResult<bool> {
    sqlx::query("DELETE FROM embed_assertions WHERE expires_at < $1")
        .bind(change.now)
        .execute(&mut *change.tx)
        .await?;
    let inserted = sqlx::query(
        "INSERT INTO embed_assertions (jti_hash, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(token_hash(jti))
    .bind(expires_at)
    .execute(&mut *change.tx)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// A new single-use nonce for an assertion; the nonce and when it expires.
pub async fn issue_nonce(change: &mut Change, lasts: Millis) -> AppResult<(String, Millis)> {
    let (nonce, expires_at) = (new_token(), change.now + lasts);
    sqlx::query("DELETE FROM embed_nonces WHERE expires_at < $1")
        .bind(change.now)
        .execute(&mut *change.tx)
        .await?;
    sqlx::query("INSERT INTO embed_nonces (nonce_hash, expires_at) VALUES ($1, $2)")
        .bind(token_hash(&nonce))
        .bind(expires_at)
        .execute(&mut *change.tx)
        .await?;
    Ok((nonce, expires_at))
}

/// Takes a live nonce Hovor issued; false for any other.
pub async fn take_nonce(change: &mut Change, nonce: &str) -> AppResult<bool> {
    let taken = sqlx::query("DELETE FROM embed_nonces WHERE nonce_hash = $1 AND expires_at >= $2")
        .bind(token_hash(nonce))
        .bind(change.now)
        .execute(&mut *change.tx)
        .await?;
    Ok(taken.rows_affected() == 1)
}

/// An agent or a supervisor by their user name: the users who work in a CRM's desk (an
/// administrator signs in only in Hovor's own tab).
pub async fn desk_user_named(change: &mut Change, username: &str) -> AppResult<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM users WHERE username = $1 AND role IN ('agent', 'supervisor') AND deactivated_at IS NULL")
        .bind(username)
        .fetch_optional(&mut *change.tx)
        .await?)
}

/// A new ticket for the session `session_hash`; the ticket and when it expires.
pub async fn issue_ticket(
    change: &mut Change,
    session_hash: &str,
    lasts: Millis,
) -> AppResult<(String, Millis)> {
    let (ticket, expires_at) = (new_token(), change.now + lasts);
    sqlx::query("DELETE FROM stream_tickets WHERE expires_at < $1")
        .bind(change.now)
        .execute(&mut *change.tx)
        .await?;
    sqlx::query("INSERT INTO stream_tickets (ticket_hash, session_hash, expires_at) VALUES ($1, $2, $3)")
        .bind(token_hash(&ticket))
        .bind(session_hash)
        .bind(expires_at)
        .execute(&mut *change.tx)
        .await?;
    Ok((ticket, expires_at))
}

/// Takes a live ticket: the hash of its session.
pub async fn take_ticket(change: &mut Change, ticket: &str) -> AppResult<Option<String>> {
    Ok(sqlx::query_scalar(
        "DELETE FROM stream_tickets WHERE ticket_hash = $1 AND expires_at >= $2 RETURNING session_hash",
    )
    .bind(token_hash(ticket))
    .bind(change.now)
    .fetch_optional(&mut *change.tx)
    .await?)
}
