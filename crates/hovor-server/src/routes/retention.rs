//! Anonymising one interaction (administrators, confirmed in the app, audited) and retention: the
//! rules, a run asked for now (dry or real) and the record of every run.

use axum::Json;
use axum::extract::FromRequestParts;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use hovor_types::auth::Me;
use hovor_types::error::{ErrorBody, FieldError, Rule};
use hovor_types::listing::InteractionRow;
use hovor_types::retention::{RetentionRules, RetentionRun, RunRequest, check_rules, may_anonymise};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::admin::Admin;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, Erase};
use crate::error::{AppError, AppResult};
use crate::extract::{AppJson, AppPath};
use crate::store::audit::Edit;
use crate::store::listings::{self, Scope};
use crate::store::{anonymise, retention};

/// The runs `GET …/runs` lists.
const RUNS_LISTED: i64 = 50;

/// A user who may anonymise interactions (`may_anonymise`); anyone else is refused (403).
pub struct Anonymiser(pub Me);

impl FromRequestParts<AppState> for Anonymiser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let CurrentUser(me) = CurrentUser::from_request_parts(parts, state).await?;
        if may_anonymise(me.role) { Ok(Anonymiser(me)) } else { Err(AppError::Forbidden) }
    }
}

/// Removes the interaction's personal data for good, keeping a tombstone for statistics; answers the
/// tombstone's row. 409 `not_ended` while it goes on.
#[utoipa::path(post, path = "/api/interactions/{id}/anonymise", tag = "listings", params(("id" = i64, Path)),
    responses((status = 200, body = InteractionRow), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn anonymise(
    State(state): State<AppState>,
    Anonymiser(me): Anonymiser,
    AppPath(id): AppPath<i64>,
) -> AppResult<Json<InteractionRow>> {
    let mut tx = db::begin_write(&state.pool).await?;
    let removed =
        anonymise::anonymise(&mut tx, id, Edit { user: Some(me.id), at: state.clock.now() }).await?;
    tx.commit().await?;
    removed.delete_files(state.voice.as_ref().map(|v| v.recordings()));
    // When the log could not be cut now, the next retention run cuts it (the removal left it pending).
    db::erase_removed(&state.pool, Erase::Now).await?;
    let mut conn = state.pool.acquire().await?;
    Ok(Json(listings::one(&mut conn, Scope::of(&me), id).await?.ok_or(AppError::NotFound)?))
}

/// The retention rules, by queue and channel.
#[utoipa::path(get, path = "/api/admin/retention/rules", tag = "admin",
    responses((status = 200, body = RetentionRules), (status = 403, body = ErrorBody)))]
pub async fn rules(State(state): State<AppState>, _: Admin) -> AppResult<Json<RetentionRules>> {
    let mut conn = state.pool.acquire().await?;
    Ok(Json(RetentionRules { rules: retention::rules(&mut conn).await? }))
}

/// Replaces every retention rule; a rule at fault is named (`rules.2.after_days`).
#[utoipa::path(put, path = "/api/admin/retention/rules", tag = "admin", request_body = RetentionRules,
    responses((status = 200, body = RetentionRules), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_rules(
    State(state): State<AppState>,
    _: Admin,
    AppJson(request): AppJson<RetentionRules>,
) -> AppResult<Json<RetentionRules>> {
    check_rules(&request.rules)?;
    let mut tx = db::begin_write(&state.pool).await?;
    if let Some(n) = retention::first_unknown_queue(&mut tx, &request.rules).await? {
        let field = format!("rules.{n}.queue_id").into();
        return Err(FieldError { field, rule: Rule::NotAnOption }.into());
    }
    retention::set_rules(&mut tx, &request.rules).await?;
    let rules = retention::rules(&mut tx).await?;
    tx.commit().await?;
    Ok(Json(RetentionRules { rules }))
}

/// Runs retention now: dry, it only counts what the rules would anonymise and delete; real, it does it.
/// Either way the run is recorded.
#[utoipa::path(post, path = "/api/admin/retention/runs", tag = "admin", request_body = RunRequest,
    responses((status = 201, body = RetentionRun), (status = 403, body = ErrorBody)))]
pub async fn run(
    State(state): State<AppState>,
    Admin(me): Admin,
    AppJson(request): AppJson<RunRequest>,
) -> AppResult<(StatusCode, Json<RetentionRun>)> {
    let recordings = state.voice.as_ref().map(|v| v.recordings());
    let done =
        retention::run(&state.pool, request.dry_run, Some(me.id), state.clock.now(), recordings).await?;
    Ok((StatusCode::CREATED, Json(done)))
}

/// The latest runs, newest first: the audit of retention.
#[utoipa::path(get, path = "/api/admin/retention/runs", tag = "admin",
    responses((status = 200, body = Vec<RetentionRun>), (status = 403, body = ErrorBody)))]
pub async fn runs(State(state): State<AppState>, _: Admin) -> AppResult<Json<Vec<RetentionRun>>> {
    let mut conn = state.pool.acquire().await?;
    Ok(Json(retention::runs(&mut conn, RUNS_LISTED).await?))
}

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(anonymise))
        .routes(routes!(rules, set_rules))
        .routes(routes!(run, runs))
}
