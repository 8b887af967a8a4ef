//! Sign-in, sessions and the rule that every route but sign-in and health needs one.

use crate::common;

use axum::http::StatusCode;
use common::TestServer;
use serde_json::json;

#[tokio::test]
async fn health_and_openapi_are_open_and_the_document_covers_every_route() {
    let server = TestServer::new().await;
    assert_eq!(server.request("GET", "/api/health", None, None).await.status, StatusCode::OK);
    let doc = server.request("GET", "/api/openapi.json", None, None).await;
    assert_eq!(doc.status, StatusCode::OK);
    let paths = doc.json["paths"].as_object().expect("paths");
    for path in [
        "/api/health",
        "/api/session",
        "/api/tasks",
        "/api/conversations/{id}",
        "/api/conversations/{id}/customer",
        "/api/conversations/{id}/cases",
        "/api/conversations/{id}/timeline",
        "/api/conversations/{id}/messages",
        "/api/conversations/{id}/suggestions",
    ] {
        assert!(paths.contains_key(path), "{path} missing from the OpenAPI document");
    }
    let session = &doc.json["paths"]["/api/session"];
    assert!(session["post"].is_object() && session["delete"].is_object() && session["get"].is_object());
}

#[tokio::test]
async fn every_data_route_refuses_a_request_without_a_session() {
    let server = TestServer::new().await;
    for path in ["/api/session", "/api/tasks", "/api/conversations/1", "/api/conversations/1/timeline"] {
        let answer = server.request("GET", path, None, None).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(answer.json["code"], "unauthenticated", "{path}");
    }
    let forged = server.request("GET", "/api/tasks", Some("hovor_session=00ff"), None).await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn wrong_password_is_refused_with_a_typed_error_and_no_cookie() {
    let server = TestServer::new().await;
    for (username, password) in [("agent1", "wrong"), ("nobody", "hovor-demo")] {
        let answer = server
            .request("POST", "/api/session", None, Some(json!({"username": username, "password": password})))
            .await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert_eq!(answer.json["code"], "invalid_credentials");
        assert!(answer.set_cookie.is_none());
    }
}

#[tokio::test]
async fn session_cookie_is_http_only_and_sign_out_ends_the_session() {
    let server = TestServer::new().await;
    let answer = server
        .request("POST", "/api/session", None, Some(json!({"username": "agent3", "password": "hovor-demo"})))
        .await;
    assert_eq!(answer.json["username"], "agent3");
    assert_eq!(answer.json["role"], "agent");
    let set_cookie = answer.set_cookie.expect("cookie");
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    let cookie = set_cookie.split(';').next().unwrap().to_owned();

    let me = server.request("GET", "/api/session", Some(&cookie), None).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json["username"], "agent3");

    let out = server.request("DELETE", "/api/session", Some(&cookie), None).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    let after = server.request("GET", "/api/tasks", Some(&cookie), None).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_session_token_is_stored_only_as_a_hash() {
    let server = TestServer::new().await;
    let cookie = server.sign_in("agent1").await;
    let token = cookie.split_once('=').unwrap().1;
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT token_hash FROM sessions").fetch_all(&server.pool).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], token);
    assert_eq!(stored[0].len(), 64);
}
