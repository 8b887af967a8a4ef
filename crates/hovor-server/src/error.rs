//! One error type for every handler, answered as a typed `ErrorBody`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hovor_types::error::{ErrorBody, ErrorCode, FieldError};
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
    Conflict(&'static str),
    /// Someone else saved the record first: the answer carries it as it is now.
    VersionConflict(Box<VersionConflict>),
    BadRequest(String),
    /// The cause is logged; the client only learns that something failed.
    Internal(anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

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
        let mut conflict = None;
        let (status, code, message, broken) = match self {
            AppError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthenticated,
                "Sign in to continue.".to_owned(),
                None,
            ),
            AppError::InvalidCredentials => (
                StatusCode::UNAUTHORIZED,
                ErrorCode::InvalidCredentials,
                "Unknown user name or wrong password.".to_owned(),
                None,
            ),
            AppError::Forbidden => (
                StatusCode::FORBIDDEN,
                ErrorCode::Forbidden,
                "Your role does not allow this.".to_owned(),
                None,
            ),
            AppError::NotFound => (StatusCode::NOT_FOUND, ErrorCode::NotFound, "Not found.".to_owned(), None),
            AppError::Validation(e) => {
                (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Validation, e.to_string(), Some(e))
            }
            AppError::Conflict(message) => {
                (StatusCode::CONFLICT, ErrorCode::Conflict, message.to_owned(), None)
            }
            AppError::VersionConflict(current) => {
                conflict = Some(current);
                (
                    StatusCode::CONFLICT,
                    ErrorCode::VersionConflict,
                    "Someone else saved this record first.".to_owned(),
                    None,
                )
            }
            AppError::BadRequest(message) => (StatusCode::BAD_REQUEST, ErrorCode::BadRequest, message, None),
            AppError::Internal(cause) => {
                tracing::error!(error = %cause, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorCode::Internal,
                    "Something went wrong on the server.".to_owned(),
                    None,
                )
            }
        };
        let (field, rule) = broken.map_or((None, None), |e| (Some(e.field.into_owned()), Some(e.rule)));
        (status, Json(ErrorBody { code, message, field, rule, conflict })).into_response()
    }
}
