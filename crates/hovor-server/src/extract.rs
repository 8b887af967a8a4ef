//! The typed edge: extractors every handler uses, each refusing bad input with an `ErrorBody`.
//!
//! - `AppJson`, `AppQuery`, `AppPath`: axum's own, with their rejections turned into `AppError`
//!   (the offending field named where serde names it).
//! - `Visible`: the conversation in the path, if the signed-in user may see it (404 otherwise).
//! - `IdempotencyKey`, `LastEventId`: the headers, checked once.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Json, Path, Query, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use hovor_types::auth::Me;
use hovor_types::error::{FieldError, Rule};
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::store::conversations::{self, ConversationRow};

/// A JSON body; a malformed one answers 400, a missing field 422 naming it, a wrong content type 415 and
/// an oversized body 413.
pub struct AppJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for AppJson<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(AppJson(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> AppError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => AppError::UnsupportedMediaType,
        JsonRejection::JsonDataError(e) => serde_problem(&e.body_text(), "body"),
        JsonRejection::JsonSyntaxError(_) => AppError::bad_request("The body is not valid JSON."),
        JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            AppError::PayloadTooLarge
        }
        other => AppError::bad_request(other.body_text()),
    }
}

/// A query string; a missing or malformed parameter answers 400 naming it.
pub struct AppQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for AppQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(AppQuery(value)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                Err(as_bad_request(serde_problem(&e.body_text(), "query")))
            }
            Err(other) => Err(AppError::bad_request(other.body_text())),
        }
    }
}

/// Path parameters; a value of the wrong type (`/api/contacts/abc`) answers 400.
pub struct AppPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for AppPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(AppPath(value)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => {
                Err(AppError::bad_field("path", format!("A path parameter is not valid: {}", e.body_text())))
            }
            Err(other) => Err(AppError::bad_request(other.body_text())),
        }
    }
}

/// What serde said about a body or query, as an error naming the field: a missing field is a broken
/// `Required` rule (422), anything else malformed input (400).
fn serde_problem(text: &str, whole: &str) -> AppError {
    // axum reports "Failed to deserialize …: <path>: <serde message>"; the path is "." at the root.
    let detail = text.split_once(": ").map_or(text, |(_, rest)| rest);
    let (path, message) = match detail.split_once(": ") {
        Some((path, message)) if !path.contains(' ') => (path, message),
        _ => (".", detail),
    };
    if let Some(missing) = message.strip_prefix("missing field `").and_then(|m| m.split('`').next()) {
        let field = if path == "." { missing.to_owned() } else { format!("{path}.{missing}") };
        return AppError::Validation(FieldError { field: field.into(), rule: Rule::Required });
    }
    let field = if path == "." { whole.to_owned() } else { path.to_owned() };
    AppError::bad_field(field, format!("Not a valid value: {message}"))
}

/// A query parameter is never a form field: its problems are all 400.
fn as_bad_request(error: AppError) -> AppError {
    match error {
        AppError::Validation(e) => {
            AppError::bad_field(e.field.to_string(), format!("The query parameter {} is required.", e.field))
        }
        other => other,
    }
}

/// The conversation named by the path's `{id}`, with the signed-in user, when the user may see it
/// (a member of its queue, or one who worked on it); 404 exactly as if it did not exist otherwise.
pub struct Visible {
    pub me: Me,
    pub conversation: ConversationRow,
}

impl FromRequestParts<AppState> for Visible {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let CurrentUser(me) = CurrentUser::from_request_parts(parts, state).await?;
        let AppPath(id) = AppPath::<i64>::from_request_parts(parts, state).await?;
        let conversation = conversations::visible(&state.pool, me.id, id).await?;
        Ok(Visible { me, conversation })
    }
}

/// Longest `Idempotency-Key` accepted.
pub const IDEMPOTENCY_KEY_MAX: usize = 100;

/// The `Idempotency-Key` header: retries with the same key store one record.
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let Some(value) = parts.headers.get("idempotency-key") else { return Ok(IdempotencyKey(None)) };
        value
            .to_str()
            .ok()
            .filter(|k| !k.is_empty() && k.len() <= IDEMPOTENCY_KEY_MAX)
            .map(|k| IdempotencyKey(Some(k.to_owned())))
            .ok_or_else(|| {
                AppError::bad_field(
                    "Idempotency-Key",
                    "Idempotency-Key must be 1–100 visible ASCII characters.",
                )
            })
    }
}

/// Where a resumed event stream continues: the `Last-Event-ID` header, else `?after=` (for clients that
/// cannot set headers); `None` for a fresh stream.
pub struct LastEventId(pub Option<i64>);

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResumeQuery {
    /// The id of the last event the client saw (the `Last-Event-ID` header wins when both are sent).
    pub after: Option<i64>,
}

impl<S: Send + Sync> FromRequestParts<S> for LastEventId {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        if let Some(value) = parts.headers.get("last-event-id") {
            let id = value.to_str().ok().and_then(|s| s.trim().parse::<i64>().ok());
            return id
                .map(|id| LastEventId(Some(id)))
                .ok_or_else(|| AppError::bad_field("Last-Event-ID", "Last-Event-ID must be an event id."));
        }
        let AppQuery(ResumeQuery { after }) = AppQuery::from_request_parts(parts, state).await?;
        Ok(LastEventId(after))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_missing_or_malformed_field() {
        let missing = serde_problem(
            "Failed to deserialize the JSON body into the target type: .: missing field `body` at line 1 column 2",
            "body",
        );
        assert!(matches!(missing, AppError::Validation(e) if e.field == "body" && e.rule == Rule::Required));
        let nested = serde_problem(
            "Failed to deserialize the JSON body into the target type: contact: missing field `first_name` at line 1",
            "body",
        );
        assert!(matches!(nested, AppError::Validation(e) if e.field == "contact.first_name"));
        let wrong = serde_problem(
            "Failed to deserialize the JSON body into the target type: typing: invalid type: string \"x\", expected a boolean",
            "body",
        );
        assert!(matches!(wrong, AppError::BadRequest { field: Some(f), .. } if f == "typing"));
    }
}
