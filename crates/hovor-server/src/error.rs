//! One error type for every handler and extractor, answered as a typed `ErrorBody`.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hovor_types::error::{ErrorBody, ErrorCode, FieldError, Reason};
use hovor_types::version::VersionConflict;

#[derive(Debug)]
pub enum AppError {
    Unauthenticated,
    InvalidCredentials,
    /// The caller's role does not allow it.
    Forbidden,
    /// Absent or not visible to the caller: the two are indistinguishable on purpose.
    NotFound,
    Validation(FieldError),
    Conflict(Reason),
    /// Someone else saved the record first: the answer carries it as it is now.
    VersionConflict(Box<VersionConflict>),
    /// Malformed input; `field` names the input when one is to blame.
    BadRequest {
        message: String,
        field: Option<String>,
    },
    PayloadTooLarge,
    UnsupportedMediaType,
    MethodNotAllowed,
    HeadersTooLarge,
    /// Too many attempts from this client or for this account: try again after the given seconds.
    RateLimited {
        retry_after_s: u64,
    },
    /// The queue holds as many waiting conversations as its administrator allows.
    QueueFull,
    /// The cause is logged; the client only learns that something failed.
    Internal(anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn bad_request(message: impl Into<String>) -> AppError {
        AppError::BadRequest { message: message.into(), field: None }
    }

    pub fn bad_field(field: impl Into<String>, message: impl Into<String>) -> AppError {
        AppError::BadRequest { message: message.into(), field: Some(field.into()) }
    }

    /// The status and body this error answers with.
    pub fn to_body(&self) -> (StatusCode, ErrorBody) {
        let plain = |status, code, message: &str| (status, ErrorBody::new(code, message));
        match self {
            AppError::Unauthenticated => {
                plain(StatusCode::UNAUTHORIZED, ErrorCode::Unauthenticated, "Sign in to continue.")
            }
            AppError::InvalidCredentials => plain(
                StatusCode::UNAUTHORIZED,
                ErrorCode::InvalidCredentials,
                "Unknown user name or wrong password.",
            ),
            AppError::Forbidden => {
                plain(StatusCode::FORBIDDEN, ErrorCode::Forbidden, "Your role does not allow this.")
            }
            AppError::NotFound => plain(StatusCode::NOT_FOUND, ErrorCode::NotFound, "Not found."),
            AppError::Validation(e) => {
                let mut body = ErrorBody::new(ErrorCode::Validation, e.to_string());
                body.field = Some(e.field.to_string());
                body.rule = Some(e.rule);
                (StatusCode::UNPROCESSABLE_ENTITY, body)
            }
            AppError::Conflict(reason) => {
                let mut body = ErrorBody::new(ErrorCode::Conflict, reason.sentence());
                body.reason = Some(*reason);
                (StatusCode::CONFLICT, body)
            }
            AppError::VersionConflict(current) => {
                let mut body =
                    ErrorBody::new(ErrorCode::VersionConflict, "Someone else saved this record first.");
                body.conflict = Some(current.clone());
                (StatusCode::CONFLICT, body)
            }
            AppError::BadRequest { message, field } => {
                let mut body = ErrorBody::new(ErrorCode::BadRequest, message.clone());
                body.field = field.clone();
                (StatusCode::BAD_REQUEST, body)
            }
            AppError::PayloadTooLarge => plain(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::PayloadTooLarge,
                "The request body is larger than this route accepts.",
            ),
            AppError::UnsupportedMediaType => plain(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "Send the body as application/json.",
            ),
            AppError::MethodNotAllowed => plain(
                StatusCode::METHOD_NOT_ALLOWED,
                ErrorCode::MethodNotAllowed,
                "This path does not take this method.",
            ),
            AppError::HeadersTooLarge => plain(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                ErrorCode::HeadersTooLarge,
                "The request's headers are too large.",
            ),
            AppError::RateLimited { retry_after_s } => {
                let mut body = ErrorBody::new(ErrorCode::RateLimited, "Too many requests. Try again later.");
                body.retry_after_s = Some(*retry_after_s);
                (StatusCode::TOO_MANY_REQUESTS, body)
            }
            AppError::QueueFull => plain(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::QueueFull,
                "The queue is full. Try again in a few minutes.",
            ),
            AppError::Internal(_) => plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
                "Something went wrong on the server.",
            ),
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Validation(e)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(cause) = &self {
            tracing::error!(error = %cause, "request failed");
        }
        let (status, body) = self.to_body();
        let retry_after = body.retry_after_s;
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
