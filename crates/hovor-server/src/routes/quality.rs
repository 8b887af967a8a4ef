//! Quality reviews: the administrator's scorecards, and reviews of an interaction by supervisors and
//! administrators who may see it. Reading an interaction's reviews needs the same rights as listing it.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use hovor_types::error::{ErrorBody, FieldError, Rule};
use hovor_types::quality::{NewReview, NewScorecard, Review, Scorecard};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::admin::Admin;
use super::supervisor::Supervisor;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::{AppJson, AppPath};
use crate::store::listings::{self, Scope};
use crate::store::quality;

/// The scorecards reviews are made against.
#[utoipa::path(get, path = "/api/qa/scorecards", tag = "quality",
    responses((status = 200, body = Vec<Scorecard>), (status = 401, body = ErrorBody)))]
pub async fn scorecards(
    State(state): State<AppState>,
    CurrentUser(_): CurrentUser,
) -> AppResult<Json<Vec<Scorecard>>> {
    let mut conn = state.pool.acquire().await?;
    Ok(Json(quality::scorecards(&mut conn).await?))
}

/// A new scorecard: a name and the criteria, each with the points it is worth.
#[utoipa::path(post, path = "/api/admin/qa/scorecards", tag = "admin", request_body = NewScorecard,
    responses((status = 201, body = Scorecard), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_scorecard(
    State(state): State<AppState>,
    _: Admin,
    AppJson(request): AppJson<NewScorecard>,
) -> AppResult<(StatusCode, Json<Scorecard>)> {
    let card = request.checked()?;
    let mut conn = state.pool.acquire().await?;
    Ok((StatusCode::CREATED, Json(quality::add_scorecard(&mut conn, &card).await?)))
}

/// The interaction's reviews, oldest first (404 for an interaction the caller may not see).
#[utoipa::path(get, path = "/api/interactions/{id}/reviews", tag = "quality", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Review>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reviews(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath(id): AppPath<i64>,
) -> AppResult<Json<Vec<Review>>> {
    let mut conn = state.pool.acquire().await?;
    if !listings::visible(&mut conn, Scope::of(&me), id).await? {
        return Err(AppError::NotFound);
    }
    Ok(Json(quality::reviews(&mut conn, id).await?))
}

/// Adds a review of the interaction against a scorecard: one score per criterion.
#[utoipa::path(post, path = "/api/interactions/{id}/reviews", tag = "quality", params(("id" = i64, Path)),
    request_body = NewReview,
    responses((status = 201, body = Review), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_review(
    State(state): State<AppState>,
    Supervisor(me): Supervisor,
    AppPath(id): AppPath<i64>,
    AppJson(request): AppJson<NewReview>,
) -> AppResult<(StatusCode, Json<Review>)> {
    let mut conn = state.pool.acquire().await?;
    if !listings::visible(&mut conn, Scope::of(&me), id).await? {
        return Err(AppError::NotFound);
    }
    let card = quality::scorecard(&mut conn, request.scorecard_id)
        .await?
        .ok_or(AppError::Validation(FieldError::new("scorecard_id", Rule::NotAnOption)))?;
    let review = request.checked(&card)?;
    let review_id = quality::add_review(&mut conn, id, me.id, &review, state.clock.now()).await?;
    let stored = quality::reviews(&mut conn, id).await?.into_iter().find(|r| r.id == review_id);
    Ok((StatusCode::CREATED, Json(stored.ok_or(AppError::NotFound)?)))
}

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(scorecards))
        .routes(routes!(add_scorecard))
        .routes(routes!(reviews, add_review))
}
