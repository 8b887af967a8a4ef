//! The phone page's side of a call (`/phone` stands in for the telephone network). No sign-in:
//! dialling sets the `hovor_phone` cookie (HttpOnly, path `/api/phone`), and every later request acts
//! on that cookie's call only.

use std::convert::Infallible;

use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::AppendHeaders;
use axum::response::sse::{Event, Sse};
use futures_util::Stream;
use hovor_types::error::ErrorBody;
use hovor_types::voice::{
    Dial, Party, PhoneCall, PhoneLine, PhoneState, SessionDescription, check_dial, check_line, check_sdp,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::events::open;
use crate::AppState;
use crate::auth::{LINE_COOKIE, PHONE_COOKIE, cookie, new_token, set_cookie, token_hash};
use crate::change::Change;
use crate::error::{AppError, AppResult};
use crate::extract::{AppJson, LastEventId, ResumeQuery};
use crate::hub::Viewer;
use crate::limits::{ClientAddr, knock};
use crate::store::chat::{self, Customer};
use crate::voice::flows;
use crate::voice::lines;

/// A phone call lasts a day at most.
const PHONE_COOKIE_MAX_AGE_S: i64 = 24 * 60 * 60;

/// The call of the request's phone cookie; 401 without one.
pub struct Caller(Customer);

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let token = cookie(&parts.headers, PHONE_COOKIE).ok_or(AppError::Unauthenticated)?;
        Ok(Caller(chat::customer(&state.pool, &token_hash(token)).await?))
    }
}

/// Dials a number: a queue's entry point puts the call in that queue, where it hears music until an
/// agent answers. The phone's audio offer in, the server's answer out. Each client address may dial a
/// few times, then once a minute (429 `rate_limited`); an unknown number is 422 on `to`.
#[utoipa::path(post, path = "/api/phone/calls", tag = "phone", security(()), request_body = Dial,
    responses((status = 201, body = SessionDescription), (status = 422, body = ErrorBody),
              (status = 429, body = ErrorBody)))]
pub async fn dial(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    AppJson(request): AppJson<Dial>,
) -> AppResult<(StatusCode, [(axum::http::HeaderName, HeaderValue); 1], Json<SessionDescription>)> {
    check_dial(&request)?;
    knock(&state.doors.calls, from)?;
    let token = new_token();
    let answer = flows::dial(&state, &request, &token_hash(&token)).await?;
    Ok((
        StatusCode::CREATED,
        set_cookie(phone_cookie(&state, PHONE_COOKIE, &token)?),
        Json(SessionDescription { sdp: answer }),
    ))
}

/// A cookie of the phone page's: HttpOnly, for `/api/phone` only, a day long.
pub(crate) fn phone_cookie(state: &AppState, name: &str, token: &str) -> AppResult<HeaderValue> {
    let cookie = format!(
        "{name}={token}; Path=/api/phone; {}; Max-Age={PHONE_COOKIE_MAX_AGE_S}",
        state.cookie_attributes()
    );
    HeaderValue::from_str(&cookie).map_err(|e| AppError::Internal(e.into()))
}

/// The line of the request's line cookie (its digits); 401 without one, or for a cookie of a past day.
pub struct Line(crate::voice::lines::Line);

impl FromRequestParts<AppState> for Line {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let token = cookie(&parts.headers, LINE_COOKIE).ok_or(AppError::Unauthenticated)?;
        let mut conn = state.pool.acquire().await?;
        let line = lines::of_cookie(&mut conn, &token_hash(token), state.clock.now()).await?;
        line.map(Line).ok_or(AppError::Unauthenticated)
    }
}

/// The phone page's own number: calls Hovor places to it ring the page (`GET /api/phone/line`), on
/// whichever instance the page listens. Sets the `hovor_line` cookie, so the number never travels in a
/// URL. Rate-limited like dialling.
#[utoipa::path(post, path = "/api/phone/lines", tag = "phone", security(()), request_body = PhoneLine,
    responses((status = 204), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
              (status = 429, body = ErrorBody)))]
pub async fn open_line(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    AppJson(request): AppJson<PhoneLine>,
) -> AppResult<(StatusCode, [(axum::http::HeaderName, HeaderValue); 1])> {
    check_line(&request)?;
    flows::calls(&state)?;
    knock(&state.doors.calls, from)?;
    let token = new_token();
    let mut change = Change::begin(&state).await?;
    lines::open(&mut change, &token_hash(&token), &request.number).await?;
    change.commit(&state).await?;
    Ok((StatusCode::NO_CONTENT, set_cookie(phone_cookie(&state, LINE_COOKIE, &token)?)))
}

/// The line's news as server-sent events of `LineEnvelope`: `ring` for each call to its number, and
/// `state` for each change of a call it takes part in as a number; resumable with `Last-Event-ID`.
#[utoipa::path(get, path = "/api/phone/line", tag = "phone", security(("line" = [])),
    params(ResumeQuery, ("Last-Event-ID" = Option<i64>, Header, description = "The id of the last event the client saw")),
    responses((status = 200, description = "text/event-stream of LineEnvelope", content_type = "text/event-stream"),
              (status = 401, body = ErrorBody)))]
pub async fn line(
    State(state): State<AppState>,
    Line(line): Line,
    LastEventId(resume): LastEventId,
) -> AppResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    // A new page on a number resumes no earlier than its own line cookie: the number's older calls
    // are not its to read.
    let resume = resume.map(|after| after.max(line.since_event));
    open(state, Viewer::Line { line_id: line.id }, resume, None).await
}

/// Answers a call ringing the line: the phone's audio offer in, the server's answer out. As the
/// call's customer the phone gets the call's `hovor_phone` cookie, as dialling does; as a number a
/// consult or transfer called, it follows the call on its line. 409 `no_call` when no such call rings
/// it.
#[utoipa::path(post, path = "/api/phone/incoming/{id}/answer", tag = "phone", security(("line" = [])),
    params(("id" = i64, Path)), request_body = SessionDescription,
    responses((status = 201, body = SessionDescription), (status = 401, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn answer_incoming(
    State(state): State<AppState>,
    Line(line): Line,
    Path(id): Path<i64>,
    AppJson(offer): AppJson<SessionDescription>,
) -> AppResult<(StatusCode, AppendHeaders<Vec<(HeaderName, HeaderValue)>>, Json<SessionDescription>)> {
    check_sdp(&offer)?;
    let token = new_token();
    let (answer, party) =
        flows::phone_answers(&state, id, &line.digits, &offer.sdp, &token_hash(&token)).await?;
    let cookie = match party {
        Party::Customer => Vec::from(set_cookie(phone_cookie(&state, PHONE_COOKIE, &token)?)),
        _ => Vec::new(),
    };
    Ok((StatusCode::CREATED, AppendHeaders(cookie), Json(SessionDescription { sdp: answer })))
}

/// Hangs up a call the line takes part in as a number (a consult or a transfer called it). 409
/// `no_call` when it is on no such call.
#[utoipa::path(post, path = "/api/phone/incoming/{id}/hang-up", tag = "phone", security(("line" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn hang_up_incoming(
    State(state): State<AppState>,
    Line(line): Line,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    flows::number_hangs_up(&state, id, &line.digits).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Declines a call ringing the line: the call ends. 409 `no_call` when no such call rings it.
#[utoipa::path(post, path = "/api/phone/incoming/{id}/decline", tag = "phone", security(("line" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn decline_incoming(
    State(state): State<AppState>,
    Line(line): Line,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    flows::phone_declines(&state, id, &line.digits).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The phone's call: waiting, connected, on hold or ended, and the queue it reached.
#[utoipa::path(get, path = "/api/phone/call", tag = "phone", security(("phone" = [])),
    responses((status = 200, body = PhoneCall), (status = 401, body = ErrorBody)))]
pub async fn call(State(state): State<AppState>, Caller(c): Caller) -> AppResult<Json<PhoneCall>> {
    let queue_name: String = sqlx::query_scalar("SELECT name FROM queues WHERE id = $1")
        .bind(c.queue_id)
        .fetch_one(&state.pool)
        .await?;
    let live = state.voice.as_ref().and_then(|calls| calls.phone_state(c.conversation_id));
    Ok(Json(PhoneCall { state: live.unwrap_or(PhoneState::Ended), queue_name }))
}

/// Hangs up. Hanging up a call that is over already changes nothing.
#[utoipa::path(delete, path = "/api/phone/call", tag = "phone", security(("phone" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn hang_up(State(state): State<AppState>, Caller(c): Caller) -> AppResult<StatusCode> {
    flows::customer_hung_up(&state, c.conversation_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Call me back instead: the waiting caller hangs up and keeps their place in the queue as a courtesy
/// callback to their number. 409 `call_refused` once an agent has the call.
#[utoipa::path(post, path = "/api/phone/call/callback", tag = "phone", security(("phone" = [])),
    responses((status = 201, body = PhoneLine), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn callback_instead(
    State(state): State<AppState>,
    Caller(c): Caller,
) -> AppResult<(StatusCode, Json<PhoneLine>)> {
    let number = flows::callback_instead(&state, c.conversation_id).await?;
    Ok((StatusCode::CREATED, Json(PhoneLine { number })))
}

/// The call's changes as server-sent events (`phone_changed`), resumable with `Last-Event-ID`.
#[utoipa::path(get, path = "/api/phone/events", tag = "phone", security(("phone" = [])),
    params(ResumeQuery, ("Last-Event-ID" = Option<i64>, Header, description = "The id of the last event the client saw")),
    responses((status = 200, description = "text/event-stream of EventEnvelope", content_type = "text/event-stream"),
              (status = 401, body = ErrorBody)))]
pub async fn events(
    State(state): State<AppState>,
    Caller(c): Caller,
    LastEventId(resume): LastEventId,
) -> AppResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    open(state, Viewer::Customer { conversation_id: c.conversation_id }, resume, None).await
}

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(dial))
        .routes(routes!(call, hang_up))
        .routes(routes!(events))
        .routes(routes!(callback_instead))
        .routes(routes!(open_line))
        .routes(routes!(line))
        .routes(routes!(answer_incoming))
        .routes(routes!(decline_incoming))
        .routes(routes!(hang_up_incoming))
}
