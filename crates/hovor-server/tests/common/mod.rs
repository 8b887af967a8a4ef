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
    _dir: tempfile::TempDir,
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
        let pool = db::connect(&url).await.expect("database");
        assert!(demo::fill_if_empty(&pool, &Scale::small()).await.expect("demo"));
        let router = app(AppState { pool: pool.clone() }, None).expect("router");
        TestServer { router, pool, _dir: dir }
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
