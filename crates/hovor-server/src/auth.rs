//! Passwords (argon2id), opaque server-side sessions and the `CurrentUser` extractor.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use hovor_types::auth::{Me, Role};
use std::net::IpAddr;

use crate::db::Pool;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::db::now_ms;
use crate::error::{AppError, AppResult};

pub const SESSION_COOKIE: &str = "hovor_session";
/// The web-chat customer's cookie (path `/api/chat`): it names their conversation.
pub const CHAT_COOKIE: &str = "hovor_chat";
/// The phone page's call (`/api/phone`).
pub const PHONE_COOKIE: &str = "hovor_phone";
/// The phone page's line (its own number, for calls Hovor places to it).
pub const LINE_COOKIE: &str = "hovor_line";
/// A session unused this long ends.
const IDLE_TIMEOUT_MS: i64 = 4 * 60 * 60 * 1000;
/// A session ends this long after sign-in whatever happens: a shift plus overtime.
const ABSOLUTE_TIMEOUT_MS: i64 = 12 * 60 * 60 * 1000;
/// `last_seen_at` is written at most this often, so reads stay reads.
const TOUCH_INTERVAL_MS: i64 = 60 * 1000;

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hash: {e}"))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// What the database stores of a secret token: its SHA-256, never the token itself.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether a presented secret is the expected one; comparing digests takes the same time wherever
/// (and whether) the two differ.
pub fn same_secret(presented: &str, expected: &str) -> bool {
    let (a, b) = (Sha256::digest(presented.as_bytes()), Sha256::digest(expected.as_bytes()));
    !expected.is_empty() && a.iter().zip(b.iter()).fold(0u8, |differ, (x, y)| differ | (x ^ y)) == 0
}

/// A new random 256-bit token, hex-encoded.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Checks the password and opens a session; returns the user and the cookie to set. Attempts are
/// throttled per account and per client address, and password checks run a bounded few at a time.
pub async fn sign_in(
    state: &AppState,
    username: &str,
    password: &str,
    from: IpAddr,
) -> AppResult<(Me, HeaderValue)> {
    state.sign_in.admit(username, from)?;
    let row: Option<(i64, String, String, String, String)> = sqlx::query_as(
        // A deactivated user is refused as a wrong password is: the answer says nothing of the account.
        "SELECT id, username, display_name, role, password_hash FROM users
         WHERE username = $1 AND deactivated_at IS NULL",
    )
    .bind(username)
    .fetch_optional(&state.pool)
    .await?;
    // An unknown user name costs the same check as a real one, so timing does not reveal which exist.
    let hash = row.as_ref().map_or(DUMMY_HASH.to_owned(), |r| r.4.clone());
    let password = password.to_owned();
    let matches = state.sign_in.check(move || verify_password(&password, &hash)).await?;
    let Some((id, username, display_name, role, _)) = row.filter(|_| matches) else {
        state.sign_in.failed(username, from);
        return Err(AppError::InvalidCredentials);
    };
    state.sign_in.succeeded(&username, from);
    let role = Role::parse(&role).ok_or_else(|| AppError::Internal(anyhow::anyhow!("bad role {role}")))?;
    let token = open_session(&state.pool, id, SessionKind::Tab).await?;
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; {}; Max-Age={}",
        state.cookie_attributes(),
        ABSOLUTE_TIMEOUT_MS / 1000
    );
    let cookie = HeaderValue::from_str(&cookie).map_err(|e| AppError::Internal(e.into()))?;
    Ok((Me { id, username, display_name, role }, cookie))
}

/// An argon2id hash of a random string, for constant-effort failures.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$W9vAkAYsHk7rnV1bRwG+Q0sTHmAV1wXjRHqVHXVtqOc";

pub async fn sign_out(state: &AppState, headers: &HeaderMap) -> AppResult<HeaderValue> {
    if let Some((hash, kind)) = presented(headers) {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1 AND kind = $2")
            .bind(hash)
            .bind(kind.as_str())
            .execute(&state.pool)
            .await?;
    }
    let cookie = format!("{SESSION_COOKIE}=; Path=/; {}; Max-Age=0", state.cookie_attributes());
    HeaderValue::from_str(&cookie).map_err(|e| AppError::Internal(e.into()))
}

pub fn set_cookie(value: HeaderValue) -> [(axum::http::HeaderName, HeaderValue); 1] {
    [(SET_COOKIE, value)]
}

fn session_token(headers: &HeaderMap) -> Option<&str> {
    cookie(headers, SESSION_COOKIE)
}

/// The non-empty value of the named cookie.
pub fn cookie<'h>(headers: &'h HeaderMap, wanted: &str) -> Option<&'h str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value)
        .filter(|v| !v.is_empty())
}

/// The user whose session the request's cookie or bearer token names, if any (live or not).
pub async fn session_user(pool: &Pool, headers: &HeaderMap) -> AppResult<Option<i64>> {
    let Some((hash, kind)) = presented(headers) else { return Ok(None) };
    Ok(sqlx::query_scalar("SELECT user_id FROM sessions WHERE token_hash = $1 AND kind = $2")
        .bind(hash)
        .bind(kind.as_str())
        .fetch_optional(pool)
        .await?)
}

/// How a session is held: the tab's HttpOnly cookie, or the embedded desk's bearer token (kept in
/// the frame's memory; `embed.rs`). Each is accepted only the way it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Tab,
    Embed,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Tab => "tab",
            SessionKind::Embed => "embed",
        }
    }
}

/// Opens a session for the user; returns its token (only its hash is stored).
pub async fn open_session(pool: &Pool, user_id: i64, kind: SessionKind) -> AppResult<String> {
    let token = new_token();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, kind) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(now)
    .bind(now)
    .bind(kind.as_str())
    .execute(pool)
    .await?;
    Ok(token)
}

/// When a session opened now ends at the latest.
pub fn session_ends_at(opened: i64) -> i64 {
    opened + ABSOLUTE_TIMEOUT_MS
}

/// The session a request presents: a bearer token wins over a cookie (as the hash of its token).
pub fn presented(headers: &HeaderMap) -> Option<(String, SessionKind)> {
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty());
    match bearer {
        Some(token) => Some((token_hash(token), SessionKind::Embed)),
        None => session_token(headers).map(|token| (token_hash(token), SessionKind::Tab)),
    }
}

/// The signed-in user of a request; extracting it fails with 401 when there is no live session.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub Me);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let (hash, kind) = presented(&parts.headers).ok_or(AppError::Unauthenticated)?;
        Ok(CurrentUser(user_of_session(state, hash, kind).await?))
    }
}

/// The user of a live session, held the way it was given; an idle or too old one ends here (401).
pub async fn user_of_session(state: &AppState, hash: String, kind: SessionKind) -> AppResult<Me> {
    let row: Option<(i64, String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT u.id, u.username, u.display_name, u.role, s.created_at, s.last_seen_at
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.kind = $2 AND u.deactivated_at IS NULL",
    )
    .bind(&hash)
    .bind(kind.as_str())
    .fetch_optional(&state.pool)
    .await?;
    let (id, username, display_name, role, created_at, last_seen_at) =
        row.ok_or(AppError::Unauthenticated)?;
    let now = now_ms();
    if now - last_seen_at > IDLE_TIMEOUT_MS || now - created_at > ABSOLUTE_TIMEOUT_MS {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(&hash).execute(&state.pool).await?;
        return Err(AppError::Unauthenticated);
    }
    if now - last_seen_at > TOUCH_INTERVAL_MS {
        // Bookkeeping for the idle timeout: off the request's path, so parallel requests of one
        // page never queue behind each other's write.
        let pool = state.pool.clone();
        tokio::spawn(async move {
            let touched = sqlx::query(
                "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2 AND last_seen_at < $3",
            )
            .bind(now)
            .bind(&hash)
            .bind(now - TOUCH_INTERVAL_MS)
            .execute(&pool)
            .await;
            if let Err(e) = touched {
                tracing::warn!(error = %e, "could not record session activity");
            }
        });
    }
    let role = Role::parse(&role).ok_or_else(|| AppError::Internal(anyhow::anyhow!("bad role {role}")))?;
    Ok(Me { id, username, display_name, role })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip_and_dummy_hash_parses() {
        let hash = hash_password("hovor-demo").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("hovor-demo", &hash));
        assert!(!verify_password("hovor-dem0", &hash));
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn finds_the_session_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("theme=dark; hovor_session=abc; x=1"));
        assert_eq!(session_token(&headers), Some("abc"));
        headers.insert(COOKIE, HeaderValue::from_static("hovor_session="));
        assert_eq!(session_token(&headers), None);
    }
}
