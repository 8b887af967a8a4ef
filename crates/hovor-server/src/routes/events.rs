//! `GET /api/events`: the signed-in user's events as server-sent events, replayed from the last id the
//! client saw (`Last-Event-ID`, or `?after=` for clients that cannot set headers), then live.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use hovor_types::event::RESYNC;
use tokio::sync::watch;

use crate::extract::{LastEventId, ResumeQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::{self, SessionKind};
use crate::change::Change;
use crate::error::{AppError, AppResult};
use crate::hub::Published;
use crate::hub::{Recent, Viewer};
use crate::routing::presence::Present;
use crate::store::events;

/// Events read from the outbox per query.
const BATCH: i64 = 200;
/// How long a browser waits before reconnecting on its own after a dropped stream.
const RETRY: Duration = Duration::from_secs(1);
/// A comment line this often keeps proxies from closing an idle stream.
const HEARTBEAT: Duration = Duration::from_secs(15);

/// A single-use ticket opens the stream of a bearer token's session (`POST /api/events/ticket`).
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketQuery {
    /// A ticket from `POST /api/events/ticket`, instead of the session's cookie.
    pub ticket: Option<String>,
}

/// The event stream (text/event-stream). Each event's `data` is a JSON `EventEnvelope`; an event named
/// `resync` means the missed events cannot be replayed and the client must reload its data. Opened
/// with the session's cookie, or with a ticket (the embedded desk's bearer session).
#[utoipa::path(get, path = "/api/events", tag = "events", params(ResumeQuery, TicketQuery, ("Last-Event-ID" = Option<i64>, Header, description = "The id of the last event the client saw")),
    responses((status = 200, description = "text/event-stream of EventEnvelope", content_type = "text/event-stream"),
              (status = 401, body = hovor_types::error::ErrorBody)))]
pub async fn stream(
    State(state): State<AppState>,
    Query(TicketQuery { ticket }): Query<TicketQuery>,
    headers: HeaderMap,
    LastEventId(resume): LastEventId,
) -> AppResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let me = match ticket {
        Some(ticket) => {
            let mut change = Change::begin(&state).await?;
            let session = crate::store::embed::take_ticket(&mut change, &ticket).await?;
            change.commit(&state).await?;
            let session = session.ok_or(AppError::Unauthenticated)?;
            auth::user_of_session(&state, session, SessionKind::Embed).await?
        }
        None => {
            let (session, kind) = auth::presented(&headers).ok_or(AppError::Unauthenticated)?;
            auth::user_of_session(&state, session, kind).await?
        }
    };
    let queues = events::queues_of(&state.pool, me.id).await?.into_iter().collect();
    open(state, Viewer::Agent { user_id: me.id, queues }, resume, None).await
}

/// A stream of `viewer`'s events after `resume` (from now on when `None`); `present` is held while the
/// stream is open (a web-chat customer's page).
pub async fn open(
    state: AppState,
    viewer: Viewer,
    resume: Option<i64>,
    present: Option<Present>,
) -> AppResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let (oldest, newest) = events::bounds(&state.pool).await?;
    let (cursor, resync) = match resume {
        // A fresh client starts with what happens from now on.
        None => (newest, false),
        // Ids from another database, or events already pruned: the client must reload.
        Some(after) if after > newest || (oldest > 0 && after < oldest - 1) => (newest, true),
        Some(after) => (after, false),
    };
    // The hub must know the table's newest id, or a stream resumed after a restart would wait in memory
    // for an event that is only in the table until something new happens.
    state.hub.seen(newest);
    let reader = Reader {
        state: state.clone(),
        viewer,
        cursor,
        buffer: VecDeque::new(),
        latest: state.hub.subscribe(),
        shutdown: state.hub.shutting_down(),
        greeting: Some(resync),
        _present: present,
    };
    let stream = futures_util::stream::unfold(reader, |mut reader| async move {
        let event = reader.next().await?;
        Some((Ok(event), reader))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(HEARTBEAT)))
}

struct Reader {
    state: AppState,
    viewer: Viewer,
    cursor: i64,
    buffer: VecDeque<Published>,
    latest: watch::Receiver<i64>,
    shutdown: watch::Receiver<bool>,
    /// The first item: the retry interval, and `resync` when the replay is impossible.
    greeting: Option<bool>,
    /// Dropped with the stream: the customer's page went away.
    _present: Option<Present>,
}

impl Reader {
    /// The next event to send; `None` ends the stream (shutdown, or the database failed).
    async fn next(&mut self) -> Option<Event> {
        if let Some(resync) = self.greeting.take() {
            let event = Event::default().retry(RETRY);
            return Some(if resync { event.event(RESYNC).data("{}") } else { event.comment("live") });
        }
        loop {
            if *self.shutdown.borrow() {
                return None;
            }
            if let Some(event) = self.buffer.pop_front() {
                self.cursor = self.cursor.max(event.id);
                return Some(Event::default().id(event.id.to_string()).data(&*event.json));
            }
            // Mark the current wake-up as seen before reading, so a commit during the read wakes us again.
            self.latest.borrow_and_update();
            match self.state.hub.after(self.cursor, &self.viewer, BATCH as usize) {
                Recent::Events { events, cursor } => {
                    self.cursor = cursor;
                    if !events.is_empty() {
                        self.buffer.extend(events);
                        continue;
                    }
                }
                Recent::AskTheTable => {
                    match events::after(&self.state.pool, &self.viewer, self.cursor, BATCH).await {
                        Ok(batch) if !batch.is_empty() => {
                            self.buffer.extend(batch);
                            continue;
                        }
                        Ok(_) => {}
                        Err(e) => {
                            tracing::warn!(error = ?e, "event stream ends: the outbox could not be read");
                            return None;
                        }
                    }
                }
            }
            tokio::select! {
                changed = self.latest.changed() => if changed.is_err() { return None },
                _ = self.shutdown.changed() => return None,
            }
        }
    }
}

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(stream))
}
