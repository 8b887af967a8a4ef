//! Cases: search, add (from a conversation), edit, link to a conversation, audit trail.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use hovor_types::audit::{AuditEntry, AuditedRecord};
use hovor_types::case::{CaseFields, CaseInfo, CasePane, LinkCase, validate_case};
use hovor_types::directory::{search_terms, validate_query};
use hovor_types::error::ErrorBody;
use serde::Deserialize;

use crate::extract::{AppJson, AppPath, AppQuery, Visible};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::change::Change;
use crate::error::AppResult;
use crate::store::audit::{self, Edit};
use crate::store::{cases, conversations};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    /// Words of the case number or title, ignoring case and diacritics; empty lists the newest.
    q: Option<String>,
}

/// Up to 20 cases matching `q`, newest first.
#[utoipa::path(get, path = "/api/cases", tag = "cases", params(CaseQuery),
    responses((status = 200, body = Vec<CaseInfo>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    CurrentUser(_): CurrentUser,
    AppQuery(q): AppQuery<CaseQuery>,
) -> AppResult<Json<Vec<CaseInfo>>> {
    let query = q.q.unwrap_or_default();
    validate_query(&query)?;
    let mut conn = state.pool.acquire().await?;
    Ok(Json(cases::search(&mut conn, &search_terms(&query)).await?))
}

/// Adds a case; with `link_conversation`, it is linked to that conversation and its contact.
#[utoipa::path(post, path = "/api/cases", tag = "cases", request_body = CaseFields,
    responses((status = 201, body = CaseInfo), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppJson(fields): AppJson<CaseFields>,
) -> AppResult<(StatusCode, Json<CaseInfo>)> {
    validate_case(&fields)?;
    let conversation = match fields.link_conversation {
        Some(id) => Some(conversations::visible(&state.pool, me.id, id).await?),
        None => None,
    };
    let by = Edit::by(me.id);
    let mut change = Change::begin(&state).await?;
    let contact_id = match &conversation {
        Some(c) => crate::store::conversations::contact_of(&mut change, c.id).await?,
        None => None,
    };
    let id = cases::create(&mut change, &fields, contact_id, by).await?;
    if let Some(c) = conversation {
        cases::link(&mut change, c.id, Some(id), by).await?;
    }
    let case = cases::get(&mut change, id).await?;
    change.commit(&state).await?;
    Ok((StatusCode::CREATED, Json(case)))
}

/// Edits title, priority, status and description, on the version the form was read at.
#[utoipa::path(put, path = "/api/cases/{id}", tag = "cases", params(("id" = i64, Path)), request_body = CaseFields,
    responses((status = 200, body = CaseInfo), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath(id): AppPath<i64>,
    AppJson(fields): AppJson<CaseFields>,
) -> AppResult<Json<CaseInfo>> {
    validate_case(&fields)?;
    hovor_types::validate::version(fields.version)?;
    let mut change = Change::begin(&state).await?;
    cases::update(&mut change, id, &fields, Edit::by(me.id)).await?;
    let case = cases::get(&mut change, id).await?;
    change.commit(&state).await?;
    Ok(Json(case))
}

#[utoipa::path(get, path = "/api/cases/{id}/audit", tag = "cases", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<AuditEntry>), (status = 404, body = ErrorBody)))]
pub async fn audit_trail(
    State(state): State<AppState>,
    CurrentUser(_): CurrentUser,
    AppPath(id): AppPath<i64>,
) -> AppResult<Json<Vec<AuditEntry>>> {
    let mut conn = state.pool.acquire().await?;
    cases::get(&mut conn, id).await?;
    Ok(Json(audit::list(&mut conn, AuditedRecord::Case, id).await?))
}

/// Links a case to the conversation, or unlinks it.
#[utoipa::path(put, path = "/api/conversations/{id}/case", tag = "cases", params(("id" = i64, Path)),
    request_body = LinkCase,
    responses((status = 200, body = CasePane), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn link(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
    AppJson(request): AppJson<LinkCase>,
) -> AppResult<Json<CasePane>> {
    let id = c.id;
    let mut change = Change::begin(&state).await?;
    cases::link(&mut change, c.id, request.case_id, Edit::by(me.id)).await?;
    change.commit(&state).await?;
    let c = conversations::visible(&state.pool, me.id, id).await?;
    Ok(Json(cases::pane(&state.pool, &c).await?))
}

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search, create))
        .routes(routes!(update))
        .routes(routes!(audit_trail))
        .routes(routes!(link))
}
