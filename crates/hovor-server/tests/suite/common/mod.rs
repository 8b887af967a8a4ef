//! A fresh server for each test: a new database (SQLite or PostgreSQL), the small demo, the real router.

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use hovor_server::db::Pool;
use hovor_server::demo::{self, Scale};
use hovor_server::{AppState, app, db};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

pub struct TestServer {
    pub router: Router,
    pub pool: Pool,
    pub state: AppState,
    _database: Option<crate::database::TestDatabase>,
}

pub struct Answer {
    pub status: StatusCode,
    pub json: Value,
    pub set_cookie: Option<String>,
    pub headers: axum::http::HeaderMap,
}

impl TestServer {
    pub async fn new() -> TestServer {
        TestServer::fresh(None).await
    }

    /// A fresh server that verifies web-chat identities signed with `secret`.
    pub async fn with_chat_identity_secret(secret: &str) -> TestServer {
        TestServer::fresh(Some(secret)).await
    }

    async fn fresh(secret: Option<&str>) -> TestServer {
        let database = crate::database::TestDatabase::new();
        let mut server = TestServer::open(&database.url, true, secret).await;
        server._database = Some(database);
        server
    }

    /// A fresh server whose outbox sends to the SMTP relay at `smtp_url` and whose inbound email
    /// endpoint accepts `token`.
    pub async fn with_mail(smtp_url: &str, token: &str) -> TestServer {
        TestServer::fresh(None).await.sending_mail(smtp_url, token)
    }

    /// This server with its outbox running, sending to `smtp_url`, and `token` for inbound email.
    pub fn sending_mail(self, smtp_url: &str, token: &str) -> TestServer {
        let mut server = self;
        let mail =
            hovor_server::email::outbox::Mail::new(Some(smtp_url), Some(token)).expect("mail settings");
        server.state = server.state.clone().with_mail(mail);
        server.router = app(server.state.clone(), None).expect("router");
        server.state.start_outbox();
        server
    }

    /// A fresh server reached at `public_url` (e.g. `https://…` behind a TLS-terminating proxy).
    pub async fn at_public_url(public_url: &str) -> TestServer {
        let mut server = TestServer::fresh(None).await;
        server.state = server.state.clone().with_public_url(Some(public_url));
        server.router = app(server.state.clone(), None).expect("router");
        server
    }

    /// A fresh server with calls: a media switch on loopback, following its connections.
    pub async fn with_voice() -> TestServer {
        let mut server = TestServer::fresh(None).await;
        let (switch, events) =
            hovor_server::voice::switch::Switch::start("127.0.0.1:0".parse().unwrap(), None).expect("switch");
        let recordings =
            std::env::temp_dir().join(format!("hovor-recordings-{}", hovor_server::auth::new_token()));
        server.state.voice =
            Some(hovor_server::voice::calls::Calls::new(switch, "test", &recordings).expect("recordings"));
        hovor_server::voice::flows::follow_peers(server.state.clone(), events);
        server.router = app(server.state.clone(), None).expect("router");
        server
    }

    /// This server with its changes stamped by a clock the test moves.
    pub fn with_scripted_clock(mut self, at: i64) -> (TestServer, hovor_server::db::Clock) {
        let clock = hovor_server::db::Clock::scripted(at);
        self.state.clock = clock.clone();
        self.router = app(self.state.clone(), None).expect("router");
        (self, clock)
    }

    /// A server on an existing database URL, as a restarted process would open it.
    pub async fn on(url: &str, fill_demo: bool) -> TestServer {
        TestServer::open(url, fill_demo, None).await
    }

    async fn open(url: &str, fill_demo: bool, secret: Option<&str>) -> TestServer {
        let pool = db::connect(url).await.expect("database");
        if fill_demo {
            assert!(demo::fill_if_empty(&pool, &Scale::small()).await.expect("demo"));
        }
        let mut state = AppState::new(pool.clone()).with_chat_identity_secret(secret);
        // Every in-process request comes from one unknown address: the door limits have their own tests.
        let many = hovor_server::limits::Rate { burst: 10_000, every: std::time::Duration::from_millis(1) };
        state.doors = hovor_server::limits::PublicDoors::new(many, many);
        if hovor_server::db::Backend::of(&pool) == hovor_server::db::Backend::Postgres {
            hovor_server::relay::start(&state, url).await.expect("event relay");
        }
        let router = app(state.clone(), None).expect("router");
        TestServer { router, pool, state, _database: None }
    }

    pub async fn request(
        &self,
        method: &str,
        path: &str,
        cookie: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        self.request_with(method, path, cookie, body, &[]).await
    }

    pub async fn request_with(
        &self,
        method: &str,
        path: &str,
        cookie: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut builder = Request::builder().method(method).uri(path);
        if let Some(cookie) = cookie {
            builder = builder.header(header::COOKIE, cookie);
        }
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let request = match body {
            Some(body) => builder
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .expect("request"),
            None => builder.body(Body::empty()).expect("request"),
        };
        let response = self.router.clone().oneshot(request).await.expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        let set_cookie = headers.get(header::SET_COOKIE).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        let json = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or(Value::Null)
        };
        Answer { status, json, set_cookie, headers }
    }

    /// A GET whose answer is not JSON (a recording's audio): its status and bytes.
    pub async fn request_bytes(
        &self,
        method: &str,
        path: &str,
        cookie: Option<&str>,
    ) -> (StatusCode, Vec<u8>) {
        let mut builder = Request::builder().method(method).uri(path);
        if let Some(cookie) = cookie {
            builder = builder.header(header::COOKIE, cookie);
        }
        let request = builder.body(Body::empty()).expect("request");
        let response = self.router.clone().oneshot(request).await.expect("response");
        let status = response.status();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        (status, bytes.to_vec())
    }

    /// A request with a raw body (an email as the mail gateway posts it).
    pub async fn request_raw(
        &self,
        method: &str,
        path: &str,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut builder = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let response = self
            .router
            .clone()
            .oneshot(builder.body(Body::from(body)).expect("request"))
            .await
            .expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer { status, json, set_cookie: None, headers }
    }

    /// Signs in and returns the `Cookie` header value to send.
    pub async fn sign_in(&self, username: &str) -> String {
        let answer = self
            .request(
                "POST",
                "/api/session",
                None,
                Some(serde_json::json!({"username": username, "password": demo::PASSWORD})),
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "sign-in of {username}: {}", answer.json);
        let cookie = answer.set_cookie.expect("session cookie");
        cookie.split(';').next().expect("cookie pair").to_owned()
    }

    pub async fn user_id(&self, username: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(username)
            .fetch_one(&self.pool)
            .await
            .expect("user")
    }

    pub async fn display_name(&self, username: &str) -> String {
        sqlx::query_scalar("SELECT display_name FROM users WHERE username = $1")
            .bind(username)
            .fetch_one(&self.pool)
            .await
            .expect("user")
    }
}

/// One server-sent event as a test reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sse {
    pub id: Option<i64>,
    pub event: Option<String>,
    pub data: String,
}

/// An open `GET /api/events` response, read event by event.
pub struct EventStream {
    body: axum::body::BodyDataStream,
    pending: String,
}

impl TestServer {
    pub async fn events(&self, cookie: &str, last_event_id: Option<i64>) -> EventStream {
        self.stream("/api/events", cookie, last_event_id).await
    }

    /// Any event stream: `/api/events` for agents, `/api/chat/events` for a chat customer.
    pub async fn stream(&self, path: &str, cookie: &str, last_event_id: Option<i64>) -> EventStream {
        let mut builder = Request::builder().uri(path).header(header::COOKIE, cookie);
        if let Some(id) = last_event_id {
            builder = builder.header("Last-Event-ID", id.to_string());
        }
        let response = self.router.clone().oneshot(builder.body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "text/event-stream");
        EventStream { body: response.into_body().into_data_stream(), pending: String::new() }
    }
}

impl EventStream {
    /// The next event (comments and keep-alives skipped), or `None` if nothing comes within `wait`.
    pub async fn next_within(&mut self, wait: std::time::Duration) -> Option<Sse> {
        use futures_util::StreamExt;
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.pending.find("\n\n") {
                let block: String = self.pending.drain(..end + 2).collect();
                let mut sse = Sse { id: None, event: None, data: String::new() };
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        sse.id = v.trim().parse().ok();
                    } else if let Some(v) = line.strip_prefix("event:") {
                        sse.event = Some(v.trim().to_owned());
                    } else if let Some(v) = line.strip_prefix("data:") {
                        sse.data.push_str(v.trim_start());
                    }
                }
                if sse.id.is_some() || sse.event.is_some() {
                    return Some(sse);
                }
                continue;
            }
            let chunk = tokio::time::timeout_at(deadline, self.body.next()).await.ok()??.ok()?;
            self.pending.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Every event that arrives until the stream is quiet for `quiet`.
    pub async fn drain(&mut self, quiet: std::time::Duration) -> Vec<Sse> {
        let mut all = Vec::new();
        while let Some(e) = self.next_within(quiet).await {
            all.push(e);
        }
        all
    }
}

/// A web-chat customer: their conversation and the `Cookie` header value of their chat session.
pub struct Customer {
    pub conversation_id: i64,
    pub cookie: String,
    /// The `ChatView` the start answered with.
    pub view: Value,
}

impl TestServer {
    /// The id of the demo's `index`-th queue (0-based, in creation order).
    pub async fn queue_id(&self, index: i64) -> i64 {
        sqlx::query_scalar("SELECT id FROM queues ORDER BY id LIMIT 1 OFFSET $1")
            .bind(index)
            .fetch_one(&self.pool)
            .await
            .expect("queue")
    }

    /// The user name of the first agent who works `queue`.
    pub async fn agent_in(&self, queue: i64) -> String {
        self.first_agent(queue, true).await
    }

    /// The user name of the first agent who does not work `queue`.
    pub async fn agent_outside(&self, queue: i64) -> String {
        self.first_agent(queue, false).await
    }

    async fn first_agent(&self, queue: i64, member: bool) -> String {
        sqlx::query_scalar(
            "SELECT u.username FROM users u WHERE u.role = 'agent' AND
               (CASE WHEN EXISTS (SELECT 1 FROM queue_members m WHERE m.queue_id = $1 AND m.user_id = u.id)
                THEN 1 ELSE 0 END) = $2 ORDER BY u.id LIMIT 1",
        )
        .bind(queue)
        .bind(i64::from(member))
        .fetch_one(&self.pool)
        .await
        .expect("such an agent")
    }

    /// The ids of the queue's survey questions, in the order the page asks them.
    pub async fn survey_ids(&self, queue_id: i64) -> Vec<i64> {
        let setup = self.request("GET", &format!("/api/chat/queues/{queue_id}"), None, None).await;
        assert_eq!(setup.status, StatusCode::OK);
        setup.json["survey"].as_array().expect("survey").iter().map(|q| q["id"].as_i64().unwrap()).collect()
    }

    /// Starts a chat with `body` as the customer's page sends it.
    pub async fn start_chat_with(&self, queue_id: i64, body: Value) -> Answer {
        self.request("POST", &format!("/api/chat/queues/{queue_id}/conversations"), None, Some(body)).await
    }

    /// Starts a chat in the queue with the survey's required questions answered.
    pub async fn start_chat(&self, queue_id: i64, name: &str) -> Customer {
        let ids = self.survey_ids(queue_id).await;
        let body = serde_json::json!({
            "name": name,
            "answers": [
                {"question_id": ids[0], "answer": "My last invoice"},
                {"question_id": ids[2], "answer": "English"},
            ],
        });
        let answer = self.start_chat_with(queue_id, body).await;
        assert_eq!(answer.status, StatusCode::CREATED, "start of a chat: {}", answer.json);
        Customer::from_start(answer)
    }

    /// The agent makes themselves Available; returns the moment it took effect.
    pub async fn go_available(&self, cookie: &str) -> i64 {
        let body = serde_json::json!({"state": "available"});
        let answer = self.request("PUT", "/api/me/status", Some(cookie), Some(body)).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
        answer.json["since"].as_i64().expect("since")
    }

    /// One pass of the routing timer: deadlines, callback windows, offers.
    pub async fn routing_tick(&self) {
        hovor_server::routing::tick(&self.state).await.expect("routing tick");
    }

    /// The conversations offered to the agent, in stack order.
    pub async fn offered(&self, cookie: &str) -> Vec<i64> {
        let answer = self.request("GET", "/api/offers", Some(cookie), None).await;
        assert_eq!(answer.status, StatusCode::OK);
        answer
            .json
            .as_array()
            .expect("offers")
            .iter()
            .map(|o| o["conversation_id"].as_i64().unwrap())
            .collect()
    }

    /// How many of `conversations` are offered to anyone.
    pub async fn offers_among(&self, conversations: &[i64]) -> i64 {
        let ids = serde_json::to_string(conversations).unwrap();
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM offers WHERE conversation_id IN (SELECT CAST(value AS BIGINT) FROM json_each($1))",
        )
        .bind(ids)
        .fetch_one(&self.pool)
        .await
        .unwrap()
    }

    /// The administrator sets the queue's routing: the demo's usual settings with `changes` over them.
    pub async fn set_routing(&self, queue: i64, changes: Value) {
        let admin = self.sign_in("admin").await;
        let mut routing = serde_json::json!({"rona_seconds": 30, "mask_sensitive": true,
            "popover_variables": [{"field": "customer_name", "secure": false}, {"field": "queue", "secure": false},
                {"field": "wait_time", "secure": false}]});
        for (key, value) in changes.as_object().expect("an object") {
            routing[key] = value.clone();
        }
        let path = format!("/api/admin/queues/{queue}/routing");
        let set = self.request("PUT", &path, Some(&admin), Some(routing)).await;
        assert_eq!(set.status, StatusCode::NO_CONTENT, "{}", set.json);
    }

    /// The administrator sets the agent's chat capacity.
    pub async fn set_chat_capacity(&self, username: &str, capacity: u32) {
        let admin = self.sign_in("admin").await;
        let agent = self.user_id(username).await;
        let body = serde_json::json!({"channel": "chat", "capacity": capacity});
        let path = format!("/api/admin/agents/{agent}/capacity");
        let answer = self.request("PUT", &path, Some(&admin), Some(body)).await;
        assert_eq!(answer.status, StatusCode::NO_CONTENT, "{}", answer.json);
    }
}

impl Customer {
    pub fn from_start(answer: Answer) -> Customer {
        let cookie = answer.set_cookie.expect("chat cookie");
        let cookie = cookie.split(';').next().expect("cookie pair").to_owned();
        assert!(cookie.starts_with("hovor_chat="), "{cookie}");
        Customer {
            conversation_id: answer.json["conversation_id"].as_i64().expect("conversation id"),
            cookie,
            view: answer.json,
        }
    }
}

/// Waits (without sleeping) until the millisecond clock has passed `ms`, so that what happens next
/// happens strictly later.
pub async fn clock_past(ms: i64) {
    while hovor_server::db::now_ms() <= ms {
        tokio::task::yield_now().await;
    }
}

/// The events of a stream as envelopes, checking that each SSE id is its envelope's id.
pub fn envelopes(events: &[Sse]) -> Vec<hovor_types::event::EventEnvelope> {
    events
        .iter()
        .map(|e| {
            let envelope: hovor_types::event::EventEnvelope =
                serde_json::from_str(&e.data).expect("an EventEnvelope");
            assert_eq!(Some(envelope.id), e.id, "the SSE id is the envelope's id");
            envelope
        })
        .collect()
}
