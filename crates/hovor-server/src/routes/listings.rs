//! Listings → Interactions: pages and counts of one channel's interactions, only those the caller
//! may see, their detail, pairing one with a contact or a case, and the administrator's grants of whose
//! interactions a user may list.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hovor_types::auth::Me;
use hovor_types::case::LinkCase;
use hovor_types::conversation::SetContact;
use hovor_types::error::{ErrorBody, FieldError, Rule};
use hovor_types::listing::{
    ExportFormat, ExportQuery, InteractionCount, InteractionDetail, InteractionFilter, InteractionPage,
    InteractionQuery, InteractionRow, LinkedCase, ListingChoices, ListingRights, UniqueName,
};
use jiff::tz::TimeZone;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::admin::Admin;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::callbacks::BundledZones;
use crate::change::Change;
use crate::chat_page::accept_language;
use crate::error::{AppError, AppResult};
use crate::export::{Export, Labels};
use crate::extract::{AppJson, AppPath, AppQuery};
use crate::store::audit::Edit;
use crate::store::listings::{self, Relink, Scope};

/// The query checked, its time filter read on today's date in the caller's zone.
fn checked(state: &AppState, query: &InteractionQuery) -> AppResult<InteractionFilter> {
    let zone = query.zone.as_deref().unwrap_or("UTC");
    let today = BundledZones
        .today(zone, state.clock.now())
        .ok_or(AppError::Validation(FieldError::new("zone", Rule::NotAnOption)))?;
    Ok(query.check(today, &BundledZones)?)
}

/// One page of the channel's interactions the caller may see (their own, and those of the users
/// and queues granted them; all for an administrator), filtered and sorted as asked.
#[utoipa::path(get, path = "/api/interactions", tag = "listings", params(InteractionQuery),
    responses((status = 200, body = InteractionPage), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn page(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppQuery(query): AppQuery<InteractionQuery>,
) -> AppResult<Json<InteractionPage>> {
    let filter = checked(&state, &query)?;
    let mut conn = state.pool.acquire().await?;
    Ok(Json(listings::page(&mut conn, Scope::of(&me), &filter).await?))
}

/// How many interactions the same query matches (asked apart: a count over a long range is slower).
#[utoipa::path(get, path = "/api/interactions/count", tag = "listings", params(InteractionQuery),
    responses((status = 200, body = InteractionCount), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn count(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppQuery(query): AppQuery<InteractionQuery>,
) -> AppResult<Json<InteractionCount>> {
    let filter = checked(&state, &query)?;
    let mut conn = state.pool.acquire().await?;
    Ok(Json(InteractionCount { total: listings::count(&mut conn, Scope::of(&me), &filter).await? }))
}

/// The same list as a file (every matching row, in the list's order, at most `EXPORT_MAX_ROWS`), its
/// columns named in the user's language and its times in their zone; streamed as it is read.
#[utoipa::path(get, path = "/api/interactions/export", tag = "listings", params(InteractionQuery, ExportQuery),
    responses(
        (status = 200, description = "The file: `text/csv` (UTF-8 with a byte-order mark) or XLSX.",
            content(
                ("text/csv"),
                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    headers: HeaderMap,
    AppQuery(query): AppQuery<InteractionQuery>,
    AppQuery(asked): AppQuery<ExportQuery>,
) -> AppResult<Response> {
    let filter = checked(&state, &query)?;
    let format = asked.format.ok_or(AppError::Validation(FieldError::new("format", Rule::Required)))?;
    let zone = TimeZone::get(query.zone.as_deref().unwrap_or("UTC"))
        .map_err(|_| AppError::Validation(FieldError::new("zone", Rule::NotAnOption)))?;
    let labels = Labels::choose(asked.lang.as_deref(), accept_language(&headers));
    let day = jiff::Timestamp::from_millisecond(filter.from)
        .map(|t| t.to_zoned(zone.clone()).strftime("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let name = format!("interactions-{}-{day}.{}", filter.channel.as_str(), format.as_str());
    let mut conn = state.pool.acquire().await?;
    let (mut export, body) = Export::start(format, labels, zone);
    let scope = Scope::of(&me);
    tokio::spawn(async move {
        let read = listings::each(&mut conn, scope, &filter, &mut export).await;
        if let Err(error) = read {
            tracing::warn!(?error, "export reading failed");
            export.fail().await;
        }
    });
    let content_type = match format {
        ExportFormat::Csv => "text/csv; charset=utf-8",
        ExportFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    };
    let headers = [
        (header::CONTENT_TYPE, content_type.to_owned()),
        (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        (header::CACHE_CONTROL, "no-store".to_owned()),
    ];
    Ok((headers, body).into_response())
}

/// What the User and Queue filters offer the caller: the users and queues whose interactions they may
/// see.
#[utoipa::path(get, path = "/api/interactions/choices", tag = "listings",
    responses((status = 200, body = ListingChoices), (status = 401, body = ErrorBody)))]
pub async fn choices(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> AppResult<Json<ListingChoices>> {
    let mut conn = state.pool.acquire().await?;
    Ok(Json(listings::choices(&mut conn, Scope::of(&me)).await?))
}

/// One interaction's detail: its row, the activities (focus time, interruptions, the time-anomaly
/// flag) and its processing path (404 for one the caller may not see).
#[utoipa::path(get, path = "/api/interactions/{id}", tag = "listings", params(("id" = i64, Path)),
    responses((status = 200, body = InteractionDetail), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn detail(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath(id): AppPath<i64>,
) -> AppResult<Json<InteractionDetail>> {
    let mut conn = state.pool.acquire().await?;
    listings::detail(&mut conn, Scope::of(&me), id).await?.map(Json).ok_or(AppError::NotFound)
}

/// The detail a deep link names (`?activityDetail=<unique name>`: `email-12`, `activity-40`).
#[utoipa::path(get, path = "/api/interactions/named/{name}", tag = "listings", params(("name" = String, Path)),
    responses((status = 200, body = InteractionDetail), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn named(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath(name): AppPath<String>,
) -> AppResult<Json<InteractionDetail>> {
    let name = UniqueName::parse(&name).ok_or(AppError::NotFound)?;
    let mut conn = state.pool.acquire().await?;
    listings::named(&mut conn, Scope::of(&me), name).await?.map(Json).ok_or(AppError::NotFound)
}

/// Pairs the interaction with a contact (`null`: unpairs it), with the interactions started from it;
/// 404 for one the caller may not see, 409 `anonymised` for a tombstone, 422 for no such contact.
#[utoipa::path(put, path = "/api/interactions/{id}/contact", tag = "listings", params(("id" = i64, Path)),
    request_body = SetContact,
    responses((status = 200, body = InteractionRow), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn pair(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath(id): AppPath<i64>,
    AppJson(request): AppJson<SetContact>,
) -> AppResult<Json<InteractionRow>> {
    relinked(&state, &me, id, Relink::Contact(request.contact_id)).await
}

/// The case the interaction belongs to, with its interactions the caller may see (404 for an
/// interaction the caller may not see, or one in no case).
#[utoipa::path(get, path = "/api/interactions/{id}/case", tag = "listings", params(("id" = i64, Path)),
    responses((status = 200, body = LinkedCase), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn linked_case(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath(id): AppPath<i64>,
) -> AppResult<Json<LinkedCase>> {
    let scope = Scope::of(&me);
    let mut conn = state.pool.acquire().await?;
    let row = listings::one(&mut conn, scope, id).await?.ok_or(AppError::NotFound)?;
    let case_id = row.case.ok_or(AppError::NotFound)?.id;
    let case = crate::store::cases::get(&mut conn, case_id).await?;
    let interactions = listings::of_case(&mut conn, scope, case_id).await?;
    Ok(Json(LinkedCase { case, interactions }))
}

/// Puts the interaction into a case (`null`: takes it out); 404 for one the caller may not see, 409
/// `anonymised` for a tombstone, 422 for no such case.
#[utoipa::path(put, path = "/api/interactions/{id}/case", tag = "listings", params(("id" = i64, Path)),
    request_body = LinkCase,
    responses((status = 200, body = InteractionRow), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn merge_into_case(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath(id): AppPath<i64>,
    AppJson(request): AppJson<LinkCase>,
) -> AppResult<Json<InteractionRow>> {
    relinked(&state, &me, id, Relink::Case(request.case_id)).await
}

async fn relinked(state: &AppState, me: &Me, id: i64, link: Relink) -> AppResult<Json<InteractionRow>> {
    let scope = Scope::of(me);
    let mut change = Change::begin(state).await?;
    listings::relink(&mut change, scope, id, link, Edit::by(me.id)).await?;
    let row = listings::one(&mut change, scope, id).await?.ok_or(AppError::NotFound)?;
    change.commit(state).await?;
    Ok(Json(row))
}

/// The users and queues whose interactions the user may list besides their own.
#[utoipa::path(get, path = "/api/admin/users/{id}/listing-rights", tag = "admin", params(("id" = i64, Path)),
    responses((status = 200, body = ListingRights), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn rights(
    State(state): State<AppState>,
    _: Admin,
    AppPath(user_id): AppPath<i64>,
) -> AppResult<Json<ListingRights>> {
    let mut conn = state.pool.acquire().await?;
    user_exists(&mut conn, user_id).await?;
    Ok(Json(listings::rights(&mut conn, user_id).await?))
}

/// Replaces the users and queues whose interactions the user may list (the Users and Queues tabs).
#[utoipa::path(put, path = "/api/admin/users/{id}/listing-rights", tag = "admin", params(("id" = i64, Path)),
    request_body = ListingRights,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_rights(
    State(state): State<AppState>,
    _: Admin,
    AppPath(user_id): AppPath<i64>,
    AppJson(request): AppJson<ListingRights>,
) -> AppResult<StatusCode> {
    let rights = request.checked()?;
    let mut tx = crate::db::begin_write(&state.pool).await?;
    user_exists(&mut tx, user_id).await?;
    listings::set_rights(&mut tx, user_id, &rights).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn user_exists(conn: &mut crate::db::Conn, user_id: i64) -> AppResult<()> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?;
    found.map(|_| ()).ok_or(AppError::NotFound)
}

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(page))
        .routes(routes!(count))
        .routes(routes!(export))
        .routes(routes!(choices))
        .routes(routes!(detail))
        .routes(routes!(named))
        .routes(routes!(pair))
        .routes(routes!(linked_case, merge_into_case))
        .routes(routes!(rights, set_rights))
}
