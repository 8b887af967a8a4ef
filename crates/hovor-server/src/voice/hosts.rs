//! Calls across instances. A call lives on one instance: its media switch carries the audio and its
//! memory holds the call (the conversation's `call_host`). Behind a load balancer the desk, the phone
//! page or the supervisor may reach any instance, so a request about a call that reached another one
//! is forwarded to the host as it came (cookies and all; the host checks access itself) and its answer
//! returned as the host gave it. The browser's audio then flows straight to the host's media address,
//! which the host's SDP answer names.
//!
//! Each instance records where the others reach it (`instances`, `--peer-address`) when it starts.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hovor_types::routing::AcceptOffers;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::AppState;
use crate::auth::{PHONE_COOKIE, cookie, token_hash};
use crate::change::Change;
use crate::error::{AppError, AppResult};

/// Marks a forwarded request (with the forwarding instance's name): it is answered where it arrives,
/// never forwarded again.
pub const FORWARDED_BY: HeaderName = HeaderName::from_static("x-hovor-forwarded-by");
/// How long a host may take to accept the connection, and to answer.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const ANSWER_TIMEOUT: Duration = Duration::from_secs(15);

/// This instance among those sharing the database, and its client to the others.
#[derive(Clone)]
pub struct CallHosts {
    me: Arc<str>,
    client: Client<HttpConnector, Body>,
}

impl CallHosts {
    /// Records where the other instances reach this one (`name` as its calls' `call_host`).
    pub async fn register(state: &AppState, name: &str, address: &str) -> AppResult<CallHosts> {
        let mut change = Change::begin(state).await?;
        sqlx::query(
            "INSERT INTO instances (name, address, started_at) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO UPDATE SET address = excluded.address, started_at = excluded.started_at",
        )
        .bind(name)
        .bind(address.trim_end_matches('/'))
        .bind(change.now)
        .execute(&mut *change.tx)
        .await?;
        change.commit(state).await?;
        let mut connector = HttpConnector::new();
        connector.set_connect_timeout(Some(CONNECT_TIMEOUT));
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new()).build(connector);
        Ok(CallHosts { me: name.into(), client })
    }
}

/// What a request is about, read from its path: the requests that act on a call in progress.
enum About {
    /// The conversation in the path.
    Conversation(i64),
    /// The conversations an accept names in its body.
    Accepting,
    /// The call of the phone page's `hovor_phone` cookie.
    PhoneCall,
}

fn about(method: &Method, path: &str) -> Option<About> {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let id = |s: &str| s.parse::<i64>().ok().map(About::Conversation);
    match (method, parts.as_slice()) {
        (_, ["api", "conversations", n, "call"])
        | (_, ["api", "conversations", n, "call", "audio" | "consult-targets"])
        | (&Method::POST, ["api", "conversations", n, "end" | "transfer"])
        | (&Method::POST, ["api", "conversations", n, "callback", "cancel"])
        | (_, ["api", "supervisor", "conversations", n, "monitor" | "barge-in" | "reassign"])
        | (&Method::POST, ["api", "phone", "incoming", n, "answer" | "decline" | "hang-up"]) => id(n),
        (&Method::POST, ["api", "offers", "accept"]) => Some(About::Accepting),
        (_, ["api", "phone", "call"]) | (&Method::POST, ["api", "phone", "call", "callback"]) => {
            Some(About::PhoneCall)
        }
        _ => None,
    }
}

/// Forwards a request about a call another instance holds to that instance; answers every other
/// request here. A host that cannot be connected to (it stopped, and its calls with it) leaves the
/// request to this instance, which answers as for a call that is over; a host that took the request
/// and failed later is an error (500), never a second attempt here.
pub async fn forward(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(hosts) = state.call_hosts.clone() else { return next.run(request).await };
    let Some(about) = about(request.method(), request.uri().path()) else { return next.run(request).await };
    if request.headers().contains_key(&FORWARDED_BY) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, crate::routes::BODY_LIMIT_BYTES).await {
        Ok(body) => body,
        Err(_) => return AppError::PayloadTooLarge.into_response(),
    };
    let host = match host_of(&state, &hosts, &about, &parts.headers, &body).await {
        Ok(host) => host,
        Err(e) => return e.into_response(),
    };
    if let Some(address) = host {
        match send(&hosts, &address, &parts, body.clone()).await {
            Ok(answer) => return answer,
            Err(Unsent::NotConnected(e)) => {
                tracing::warn!(error = %e, "the instance that holds a call cannot be reached; answering here")
            }
            Err(Unsent::Failed(e)) => {
                return AppError::Internal(e.context("forwarding to a call's instance")).into_response();
            }
        }
    }
    next.run(Request::from_parts(parts, Body::from(body))).await
}

/// The address of the other instance that holds the call the request is about, if one does.
async fn host_of(
    state: &AppState,
    hosts: &CallHosts,
    about: &About,
    headers: &axum::http::HeaderMap,
    body: &Bytes,
) -> AppResult<Option<String>> {
    let conversations = match about {
        About::Conversation(id) => vec![*id],
        // A body that does not parse is the handler's to refuse.
        About::Accepting => {
            serde_json::from_slice::<AcceptOffers>(body).map(|a| a.conversation_ids).unwrap_or_default()
        }
        About::PhoneCall => {
            let Some(token) = cookie(headers, PHONE_COOKIE) else { return Ok(None) };
            let id: Option<i64> =
                sqlx::query_scalar("SELECT id FROM conversations WHERE customer_token_hash = $1")
                    .bind(token_hash(token))
                    .fetch_optional(&state.pool)
                    .await?;
            id.into_iter().collect()
        }
    };
    for id in conversations {
        let address: Option<String> = sqlx::query_scalar(
            "SELECT i.address FROM conversations c JOIN instances i ON i.name = c.call_host
             WHERE c.id = $1 AND c.call_host <> $2",
        )
        .bind(id)
        .bind(&*hosts.me)
        .fetch_optional(&state.pool)
        .await?;
        if address.is_some() {
            return Ok(address);
        }
    }
    Ok(None)
}

/// Why a forward gave no answer: the host could not be connected to (nothing reached it), or it
/// failed after the request may have reached it.
enum Unsent {
    NotConnected(anyhow::Error),
    Failed(anyhow::Error),
}

/// The request as it came, to `address`, marked as forwarded; the host's answer as it gave it.
async fn send(
    hosts: &CallHosts,
    address: &str,
    parts: &axum::http::request::Parts,
    body: Bytes,
) -> Result<Response, Unsent> {
    let failed = |e: anyhow::Error| Unsent::Failed(e);
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let uri: Uri =
        format!("{address}{path}").parse().map_err(|e: axum::http::uri::InvalidUri| failed(e.into()))?;
    let mut forwarded = Request::builder().method(parts.method.clone()).uri(uri).version(parts.version);
    if let Some(headers) = forwarded.headers_mut() {
        // The connection's own headers, and those it names, stay on this hop; the body goes whole,
        // its length set anew.
        let named: Vec<HeaderName> = parts
            .headers
            .get_all(header::CONNECTION)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
            .collect();
        headers.extend(parts.headers.clone());
        for hop in HOP_BY_HOP.iter().chain(&named) {
            headers.remove(hop);
        }
        headers.insert(FORWARDED_BY, HeaderValue::from_str(&hosts.me).map_err(|e| failed(e.into()))?);
    }
    let request = forwarded.body(Body::from(body)).map_err(|e| failed(e.into()))?;
    match tokio::time::timeout(ANSWER_TIMEOUT, hosts.client.request(request)).await {
        Ok(Ok(answer)) => Ok(answer.map(Body::new)),
        Ok(Err(e)) if e.is_connect() => Err(Unsent::NotConnected(e.into())),
        Ok(Err(e)) => Err(failed(e.into())),
        Err(elapsed) => Err(failed(elapsed.into())),
    }
}

/// Headers of one connection, never forwarded (RFC 9110 §7.6.1), with the body's length.
const HOP_BY_HOP: [HeaderName; 8] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
    HeaderName::from_static("proxy-connection"),
    header::CONTENT_LENGTH,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn conversation(method: Method, path: &str) -> Option<i64> {
        match about(&method, path) {
            Some(About::Conversation(id)) => Some(id),
            _ => None,
        }
    }

    #[test]
    fn the_requests_about_a_call_are_told_apart_from_the_rest() {
        assert_eq!(conversation(Method::POST, "/api/conversations/7/call"), Some(7));
        assert_eq!(conversation(Method::GET, "/api/conversations/7/call"), Some(7));
        assert_eq!(conversation(Method::DELETE, "/api/conversations/7/call/audio"), Some(7));
        assert_eq!(conversation(Method::POST, "/api/conversations/7/end"), Some(7));
        assert_eq!(conversation(Method::POST, "/api/supervisor/conversations/9/barge-in"), Some(9));
        assert_eq!(conversation(Method::POST, "/api/phone/incoming/3/answer"), Some(3));
        assert!(matches!(about(&Method::POST, "/api/offers/accept"), Some(About::Accepting)));
        assert!(matches!(about(&Method::DELETE, "/api/phone/call"), Some(About::PhoneCall)));
        // Not about a call in progress: messages, the timeline, dialling (which makes a call here).
        assert_eq!(conversation(Method::POST, "/api/conversations/7/messages"), None);
        assert_eq!(conversation(Method::GET, "/api/conversations/7/end"), None);
        assert_eq!(conversation(Method::POST, "/api/conversations/x/call"), None);
        assert!(about(&Method::POST, "/api/phone/calls").is_none());
        assert!(about(&Method::GET, "/api/phone/line").is_none());
    }
}
