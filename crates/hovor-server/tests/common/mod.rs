//! A fresh server for each test: a new SQLite file, the small demo, the real router.

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use hovor_server::demo::{self, Scale};
use hovor_server::{AppState, app, db};
use http_body_util::BodyExt;
use serde_json::Value;
use sqlx::SqlitePool;
use tower::ServiceExt;

pub struct TestServer {
    pub router: Router,
    pub pool: SqlitePool,
    pub state: AppState,
    _dir: Option<tempfile::TempDir>,
}

pub struct Answer {
    pub status: StatusCode,
    pub json: Value,
    pub set_cookie: Option<String>,
}

impl TestServer {
    pub async fn new() -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let mut server = TestServer::on(&url, true).await;
        server._dir = Some(dir);
        server
    }

    /// A server on an existing database URL, as a restarted process would open it.
    pub async fn on(url: &str, fill_demo: bool) -> TestServer {
        let pool = db::connect(url).await.expect("database");
        if fill_demo {
            assert!(demo::fill_if_empty(&pool, &Scale::small()).await.expect("demo"));
        }
        let state = AppState::new(pool.clone());
        let router = app(state.clone(), None).expect("router");
        TestServer { router, pool, state, _dir: None }
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
        let set_cookie =
            response.headers().get(header::SET_COOKIE).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        let json = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or(Value::Null)
        };
        Answer { status, json, set_cookie }
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
        sqlx::query_scalar("SELECT id FROM users WHERE username = ?")
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
