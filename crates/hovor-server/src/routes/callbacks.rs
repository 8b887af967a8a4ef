//! Scheduled and personal callbacks (WBX, GEN Callback tab): the form's choices, create, list, edit,
//! reschedule and delete, refused once a callback's window has started; and web callbacks from the
//! company's website.

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use hovor_types::auth::Me;
use hovor_types::callback::{
    Callback, CallbackChoices, CallbackKind, CallbackRequest, Reschedule, WebCallbackRequest, check_callback,
    check_web_callback, rescheduled,
};
use hovor_types::error::{ErrorBody, FieldError, Reason, Rule};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::callbacks::BundledZones;
use crate::change::Change;
use crate::error::{AppError, AppResult};
use crate::extract::{AppJson, AppPath, AppQuery, Visible};
use crate::limits::{ClientAddr, knock};
use crate::routing::Work;
use crate::store::callbacks::{self, Links};
use crate::store::conversations;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ForCustomer {
    /// The customer the form or the list is for.
    pub contact_id: Option<i64>,
    /// The conversation it is opened in (its customer, when `contact_id` is not given).
    pub conversation_id: Option<i64>,
}

impl ForCustomer {
    /// The customer: as given, else the conversation's (which a user must be able to see).
    async fn contact(&self, state: &AppState, viewer: Option<i64>) -> AppResult<Option<i64>> {
        let Some(id) = self.conversation_id else { return Ok(self.contact_id) };
        let conversation = match viewer {
            Some(user_id) => conversations::visible(&state.pool, user_id, id).await?,
            None => {
                let mut conn = state.pool.acquire().await?;
                conversations::by_id(&mut conn, id).await?.ok_or(AppError::NotFound)?
            }
        };
        Ok(self.contact_id.or(conversation.contact_id))
    }
}

/// Who manages callbacks: a signed-in user, or a website or an IVR presenting the callbacks token
/// (`Authorization: Bearer …`), which opens these routes and no other.
pub enum Manager {
    User(Me),
    Integration,
}

impl Manager {
    /// The user, whose queues bound what they see; `None` for the integration, which sees all.
    fn viewer(&self) -> Option<i64> {
        match self {
            Manager::User(me) => Some(me.id),
            Manager::Integration => None,
        }
    }
}

impl FromRequestParts<AppState> for Manager {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let bearer = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        let Some(presented) = bearer.and_then(|v| v.strip_prefix("Bearer ")) else {
            let CurrentUser(me) = CurrentUser::from_request_parts(parts, state).await?;
            return Ok(Manager::User(me));
        };
        match state.callbacks_token.as_deref() {
            Some(expected) if crate::auth::same_secret(presented, expected) => Ok(Manager::Integration),
            _ => Err(AppError::Unauthenticated),
        }
    }
}

/// What the form offers: the voice queues the agent works in (each with its agents, for "Assign to"),
/// and the customer's name, phone and time zone from their record.
#[utoipa::path(get, path = "/api/callbacks/choices", tag = "callbacks", params(ForCustomer),
    responses((status = 200, body = CallbackChoices), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn choices(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppQuery(q): AppQuery<ForCustomer>,
) -> AppResult<Json<CallbackChoices>> {
    let contact = q.contact(&state, Some(me.id)).await?;
    let mut conn = state.pool.acquire().await?;
    Ok(Json(callbacks::choices(&mut conn, me.id, contact, q.conversation_id).await?))
}

/// Manage Callbacks: the customer's callbacks the user may see and the personal callbacks assigned to
/// the user, those still to come first.
#[utoipa::path(get, path = "/api/callbacks", tag = "callbacks", params(ForCustomer),
    security(("session" = []), ("callbacks_token" = [])),
    responses((status = 200, body = Vec<Callback>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    manager: Manager,
    AppQuery(q): AppQuery<ForCustomer>,
) -> AppResult<Json<Vec<Callback>>> {
    let contact = q.contact(&state, manager.viewer()).await?;
    let mut conn = state.pool.acquire().await?;
    Ok(Json(callbacks::list(&mut conn, manager.viewer(), contact).await?))
}

/// Schedules a callback (personal with `assignee_id`), for the given customer or the conversation's.
/// 422 names the field that broke a rule.
#[utoipa::path(post, path = "/api/callbacks", tag = "callbacks", request_body = CallbackRequest,
    security(("session" = []), ("callbacks_token" = [])),
    responses((status = 201, body = Callback), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    manager: Manager,
    AppJson(request): AppJson<CallbackRequest>,
) -> AppResult<(StatusCode, Json<Callback>)> {
    let asked = ForCustomer { contact_id: request.contact_id, conversation_id: request.conversation_id };
    let viewer = manager.viewer();
    let contact_id = asked.contact(&state, viewer).await?;
    let mut change = Change::begin(&state).await?;
    let checked = check_callback(&request, &BundledZones, change.now)?;
    callbacks::check_queue(&mut change, viewer, checked.queue_id, request.assignee_id).await?;
    if let Some(contact) = request.contact_id {
        crate::store::contacts::check_linkable(&mut change, contact, "contact_id").await?;
    }
    let links =
        Links { assignee_id: request.assignee_id, contact_id, conversation_id: request.conversation_id };
    let now = change.now;
    let id = callbacks::insert(&mut change, CallbackKind::Scheduled, &checked, links, viewer, now).await?;
    let created = callbacks::visible(&mut change, manager.viewer(), id).await?;
    change.commit(&state).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Changes a callback still to come: its form's fields and assignee (the customer and the
/// conversation it came from stay). 409 `callback_started` once its window has started.
#[utoipa::path(put, path = "/api/callbacks/{id}", tag = "callbacks", params(("id" = i64, Path)),
    security(("session" = []), ("callbacks_token" = [])),
    request_body = CallbackRequest,
    responses((status = 200, body = Callback), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn edit(
    State(state): State<AppState>,
    manager: Manager,
    AppPath(id): AppPath<i64>,
    AppJson(request): AppJson<CallbackRequest>,
) -> AppResult<Json<Callback>> {
    let mut change = Change::begin(&state).await?;
    let before = callbacks::visible(&mut change, manager.viewer(), id).await?;
    if !before.changeable(change.now) {
        return Err(AppError::Conflict(Reason::CallbackStarted));
    }
    // A priority not given stays as it was (the desk's form does not show it).
    let request = CallbackRequest { priority: request.priority.or(Some(before.priority)), ..request };
    let checked = check_callback(&request, &BundledZones, change.now)?;
    callbacks::check_queue(&mut change, manager.viewer(), checked.queue_id, request.assignee_id).await?;
    let now = change.now;
    callbacks::update(&mut change, id, &checked, request.assignee_id, now).await?;
    let after = callbacks::visible(&mut change, manager.viewer(), id).await?;
    change.commit(&state).await?;
    Ok(Json(after))
}

/// Moves a callback still to come to a new date and window, or to the same local window on the next
/// day (so across a daylight-saving change it moves by 23 or 25 hours). 409 `callback_started` once
/// its window has started; 422 when the new window breaks a rule.
#[utoipa::path(post, path = "/api/callbacks/{id}/reschedule", tag = "callbacks", params(("id" = i64, Path)),
    security(("session" = []), ("callbacks_token" = [])),
    request_body = Reschedule,
    responses((status = 200, body = Callback), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn reschedule(
    State(state): State<AppState>,
    manager: Manager,
    AppPath(id): AppPath<i64>,
    AppJson(to): AppJson<Reschedule>,
) -> AppResult<Json<Callback>> {
    let mut change = Change::begin(&state).await?;
    let before = callbacks::visible(&mut change, manager.viewer(), id).await?;
    if !before.changeable(change.now) {
        return Err(AppError::Conflict(Reason::CallbackStarted));
    }
    let (date, start, end) = rescheduled(&before, &to);
    let request = CallbackRequest { date, start, end, ..before.as_request() };
    let checked = check_callback(&request, &BundledZones, change.now)?;
    let now = change.now;
    callbacks::update(&mut change, id, &checked, request.assignee_id, now).await?;
    let after = callbacks::visible(&mut change, manager.viewer(), id).await?;
    change.commit(&state).await?;
    Ok(Json(after))
}

/// Deletes a callback still to come. 409 `callback_started` once its window has started.
#[utoipa::path(delete, path = "/api/callbacks/{id}", tag = "callbacks", params(("id" = i64, Path)),
    security(("session" = []), ("callbacks_token" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    manager: Manager,
    AppPath(id): AppPath<i64>,
) -> AppResult<StatusCode> {
    let mut change = Change::begin(&state).await?;
    callbacks::visible(&mut change, manager.viewer(), id).await?;
    let now = change.now;
    callbacks::delete(&mut change, id, now).await?;
    change.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Call me back, from the company's website or its chat (a web callback): the customer is called as
/// soon as an agent of the queue is free. Public; each client address may ask a few times, then once
/// every few minutes (429 `rate_limited`). 422 names the field that broke a rule, `queue_id` when the
/// queue takes no calls.
#[utoipa::path(post, path = "/api/callbacks/web", tag = "callbacks", security(()), request_body = WebCallbackRequest,
    responses((status = 204), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn web(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    AppJson(request): AppJson<WebCallbackRequest>,
) -> AppResult<StatusCode> {
    check_web_callback(&request)?;
    knock(&state.doors.callback_requests, from)?;
    let mut work = Work::begin(&state).await?;
    let takes_calls: Option<i64> =
        sqlx::query_scalar("SELECT id FROM queues WHERE id = $1 AND entry_number IS NOT NULL")
            .bind(request.queue_id)
            .fetch_optional(&mut *work.tx)
            .await?;
    if takes_calls.is_none() {
        return Err(AppError::Validation(FieldError::new("queue_id", Rule::NotAnOption)));
    }
    let (phone, name, reason) = (request.phone.trim(), request.name.trim(), request.reason.trim());
    let checked = crate::callbacks::right_away(work.now, request.queue_id, phone, name, reason)?;
    let now = work.now;
    callbacks::insert(&mut work, CallbackKind::Web, &checked, Links::default(), None, now).await?;
    // Finishing wakes the routing timer, whose pass opens the callback at once.
    work.finish(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Cancel on a callback's call while the customer's phone still rings, where its queue allows it
/// ("End call for web callback"): the call and the conversation end, the agent owes the wrap-up, and
/// the callback is not tried again (it fails as `cancelled`).
#[utoipa::path(post, path = "/api/conversations/{id}/callback/cancel", tag = "callbacks", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody)))]
pub async fn cancel_call(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
) -> AppResult<StatusCode> {
    if c.agent_id != Some(me.id) {
        return Err(AppError::Conflict(Reason::NotAssigned));
    }
    let mut work = Work::begin(&state).await?;
    crate::callbacks::cancel(&mut work, c.id).await?;
    crate::voice::flows::end_by_agent(&mut work, &state, me.id, c.id).await?;
    work.finish(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(choices))
        .routes(routes!(list, create))
        .routes(routes!(edit, delete))
        .routes(routes!(reschedule))
        .routes(routes!(web))
        .routes(routes!(cancel_call))
}
