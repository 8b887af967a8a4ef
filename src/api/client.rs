//! GET/POST/DELETE with JSON bodies, turning the server's `ErrorBody` into a typed `ApiError`.

use gloo_net::http::{Request, RequestBuilder, Response};
use std::marker::PhantomData;
use std::sync::Arc;

use hovor_types::error::{ErrorCode, ErrorConflict, ErrorHead, Reason, Rule};
use hovor_types::version::VersionConflict;
use serde::Serialize;
use serde::de::DeserializeOwned;

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// No session: the app returns to sign-in.
    Unauthenticated,
    InvalidCredentials,
    NotFound,
    Validation {
        field: Option<String>,
        message: String,
        /// The broken rule, when the server names one: the app says it in the agent's language.
        rule: Option<Rule>,
    },
    /// A local refusal already in words.
    Conflict(String),
    /// The server refused the request in the record's current state; the app says why in the agent's
    /// language.
    Refused(Reason),
    /// Too many attempts: try again after this many seconds.
    RateLimited {
        retry_after_s: u64,
    },
    /// Someone saved the record first: the answer holds it as it is now, with who changed it.
    VersionConflict(RecordConflict),
    /// The request never got an answer (offline, server restarting).
    Network,
    /// The server answered with an error it could not explain further.
    Server(String),
}

impl ApiError {
    /// The form field a validation error names; `None` for the form as a whole.
    pub fn field(&self) -> Option<&str> {
        match self {
            ApiError::Validation { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    /// Worth trying again unchanged: the request may not have arrived.
    pub fn is_transient(&self) -> bool {
        matches!(self, ApiError::Network | ApiError::Server(_))
    }
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    parse(send(Request::get(path), None::<&()>).await?).await
}

pub async fn post<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
    idempotency_key: Option<&str>,
) -> Result<T, ApiError> {
    let mut builder = Request::post(path);
    if let Some(key) = idempotency_key {
        builder = builder.header("Idempotency-Key", key);
    }
    parse(send(builder, Some(body)).await?).await
}

/// A POST whose answer carries no body (204).
pub async fn post_empty<B: Serialize>(
    path: &str,
    body: &B,
    idempotency_key: Option<&str>,
) -> Result<(), ApiError> {
    let mut builder = Request::post(path);
    if let Some(key) = idempotency_key {
        builder = builder.header("Idempotency-Key", key);
    }
    send(builder, Some(body)).await.map(|_| ())
}

pub async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    parse(send(Request::put(path), Some(body)).await?).await
}

/// A PUT whose answer carries no body (204).
pub async fn put_empty<B: Serialize>(path: &str, body: &B) -> Result<(), ApiError> {
    send(Request::put(path), Some(body)).await.map(|_| ())
}

pub async fn delete(path: &str) -> Result<(), ApiError> {
    send(Request::delete(path), None::<&()>).await.map(|_| ())
}

/// A DELETE answered with the record as it is after the removal.
pub async fn delete_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    parse(send(Request::delete(path), None::<&()>).await?).await
}

async fn send<B: Serialize>(builder: RequestBuilder, body: Option<&B>) -> Result<Response, ApiError> {
    // The desk in a CRM's frame has no cookie: its session is a bearer token in memory.
    let builder = match crate::state::embed::token() {
        Some(token) => builder.header("Authorization", &format!("Bearer {token}")),
        None => builder,
    };
    let request = match body {
        Some(body) => builder.json(body).map_err(|_| ApiError::Network)?,
        None => builder.build().map_err(|_| ApiError::Network)?,
    };
    let response = request.send().await.map_err(|_| ApiError::Network)?;
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    let head: Option<ErrorHead> = serde_json::from_str(&text).ok();
    Err(match head {
        Some(ErrorHead { code: ErrorCode::Unauthenticated, .. }) => ApiError::Unauthenticated,
        Some(ErrorHead { code: ErrorCode::InvalidCredentials, .. }) => ApiError::InvalidCredentials,
        Some(ErrorHead { code: ErrorCode::NotFound, .. }) => ApiError::NotFound,
        Some(ErrorHead { code: ErrorCode::Validation, message, field, rule, .. }) => {
            ApiError::Validation { field, message, rule }
        }
        Some(ErrorHead { code: ErrorCode::VersionConflict, .. }) => {
            ApiError::VersionConflict(RecordConflict(Encoded::of(text)))
        }
        Some(ErrorHead { code: ErrorCode::Conflict, reason: Some(reason), .. }) => ApiError::Refused(reason),
        Some(ErrorHead { code: ErrorCode::Conflict, message, .. }) => ApiError::Conflict(message),
        Some(ErrorHead { code: ErrorCode::RateLimited | ErrorCode::QueueFull, retry_after_s, .. }) => {
            ApiError::RateLimited { retry_after_s: retry_after_s.unwrap_or(1) }
        }
        Some(ErrorHead { message, .. }) => ApiError::Server(message),
        None if status == 401 => ApiError::Unauthenticated,
        None if status == 404 => ApiError::NotFound,
        None => ApiError::Server(format!("HTTP {status}")),
    })
}

/// A `version_conflict` answer as it came. Decoded only by the forms that edit records, so the desk's
/// start carries none of the record types' decoding.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordConflict(Encoded<ErrorConflict>);

impl RecordConflict {
    /// The record as it is now and who changed it; `None` for an answer without one.
    pub fn decode(&self) -> Option<VersionConflict> {
        self.0.decode().ok()?.conflict.map(|c| *c)
    }
}

/// An answer read but not decoded yet. The code that decodes a type lands wherever `decode` is
/// called: a pane whose view is in a chunk decodes there, and the desk's start carries none of it.
pub struct Encoded<T> {
    text: Arc<str>,
    of: PhantomData<fn() -> T>,
}

impl<T> Encoded<T> {
    fn of(text: String) -> Self {
        Encoded { text: text.into(), of: PhantomData }
    }
}

impl<T> Clone for Encoded<T> {
    fn clone(&self) -> Self {
        Encoded { text: self.text.clone(), of: PhantomData }
    }
}

impl<T> PartialEq for Encoded<T> {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl<T> std::fmt::Debug for Encoded<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Encoded").field(&self.text).finish()
    }
}

impl<T: DeserializeOwned> Encoded<T> {
    pub fn decode(&self) -> Result<T, ApiError> {
        serde_json::from_str(&self.text).map_err(|e| ApiError::Server(e.to_string()))
    }
}

/// A GET whose body the caller reads as it arrives (a download), abandoned through `signal`.
pub async fn get_response(path: &str, signal: &web_sys::AbortSignal) -> Result<Response, ApiError> {
    send(Request::get(path).abort_signal(Some(signal)), None::<&()>).await
}

/// A GET whose answer is decoded later (see `Encoded`).
pub async fn get_encoded<T>(path: &str) -> Result<Encoded<T>, ApiError> {
    let text = send(Request::get(path), None::<&()>).await?.text().await.map_err(|_| ApiError::Network)?;
    Ok(Encoded::of(text))
}

async fn parse<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    response.json().await.map_err(|e| ApiError::Server(e.to_string()))
}

/// A fresh key for a write the client may retry (a message, an email): the server applies it once.
pub fn idempotency_key() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("{}-{}", js_sys::Date::now(), js_sys::Math::random()))
}
