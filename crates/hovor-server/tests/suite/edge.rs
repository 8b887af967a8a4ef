//! The API's edge: every refusal is a typed `ErrorBody`, foreign state-changing requests are refused,
//! sign-in and chat starts are limited, bad customer data is refused where it enters.

use crate::common;

use axum::http::StatusCode;
use common::TestServer;
use serde_json::{Value, json};

fn code(json: &Value) -> &str {
    json["code"].as_str().unwrap_or("<no ErrorBody>")
}

#[tokio::test]
async fn unknown_paths_wrong_methods_and_broken_bodies_answer_an_error_body() {
    let server = TestServer::new().await;
    let cookie = server.sign_in("agent1").await;

    let unknown = server.request("GET", "/api/no-such-thing", Some(&cookie), None).await;
    assert_eq!((unknown.status, code(&unknown.json)), (StatusCode::NOT_FOUND, "not_found"));

    let method = server.request("PATCH", "/api/session", Some(&cookie), None).await;
    assert_eq!((method.status, code(&method.json)), (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"));

    let path = server.request("GET", "/api/contacts/abc", Some(&cookie), None).await;
    assert_eq!((path.status, code(&path.json)), (StatusCode::BAD_REQUEST, "bad_request"));

    let query = server.request("GET", "/api/events?after=soon", Some(&cookie), None).await;
    assert_eq!((query.status, code(&query.json)), (StatusCode::BAD_REQUEST, "bad_request"));
    assert_eq!(query.json["field"], "after");

    let syntax = server
        .request_raw("POST", "/api/session", b"{not json".to_vec(), &[("content-type", "application/json")])
        .await;
    assert_eq!((syntax.status, code(&syntax.json)), (StatusCode::BAD_REQUEST, "bad_request"));

    let missing = server.request("POST", "/api/session", None, Some(json!({"username": "agent1"}))).await;
    assert_eq!((missing.status, code(&missing.json)), (StatusCode::UNPROCESSABLE_ENTITY, "validation"));
    assert_eq!(missing.json["field"], "password");
    assert_eq!(missing.json["rule"]["kind"], "required");

    let media = server
        .request_raw("POST", "/api/session", b"username=a".to_vec(), &[("content-type", "text/plain")])
        .await;
    assert_eq!(
        (media.status, code(&media.json)),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    );

    let huge = format!("{{\"username\":\"{}\",\"password\":\"x\"}}", "a".repeat(300 * 1024));
    let large = server
        .request_raw("POST", "/api/session", huge.into_bytes(), &[("content-type", "application/json")])
        .await;
    assert_eq!((large.status, code(&large.json)), (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"));

    let cookie_jar = format!("{cookie}; filler={}", "x".repeat(20 * 1024));
    let headers = server.request("GET", "/api/session", Some(&cookie_jar), None).await;
    assert_eq!(
        (headers.status, code(&headers.json)),
        (StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large")
    );
}

#[tokio::test]
async fn behind_https_cookies_are_secure_hsts_is_sent_and_only_the_public_origin_may_write() {
    let server = TestServer::at_public_url("https://desk.example").await;
    let body = json!({"username": "agent1", "password": "hovor-demo"});
    let signed_in = server.request("POST", "/api/session", None, Some(body)).await;
    assert_eq!(signed_in.status, StatusCode::OK);
    let cookie = signed_in.set_cookie.expect("session cookie");
    assert!(cookie.contains("; Secure") && cookie.contains("HttpOnly"), "{cookie}");
    let hsts = signed_in.headers.get("strict-transport-security").and_then(|v| v.to_str().ok());
    assert!(hsts.is_some_and(|v| v.contains("max-age=")), "{hsts:?}");

    let session = cookie.split(';').next().unwrap();
    let body = json!({"state": "available"});
    for (origin, expected) in [
        ("https://desk.example", StatusCode::OK),
        ("http://desk.example", StatusCode::FORBIDDEN), // not the HTTPS origin
        ("https://evil.example", StatusCode::FORBIDDEN),
    ] {
        let answer = server
            .request_with("PUT", "/api/me/status", Some(session), Some(body.clone()), &[("origin", origin)])
            .await;
        assert_eq!(answer.status, expected, "from {origin}: {}", answer.json);
    }
}

#[tokio::test]
async fn a_foreign_origin_cannot_change_anything() {
    let server = TestServer::new().await;
    let cookie = server.sign_in("agent1").await;
    let body = Some(json!({"state": "available"}));
    let foreign = server
        .request_with(
            "PUT",
            "/api/me/status",
            Some(&cookie),
            body.clone(),
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!((foreign.status, code(&foreign.json)), (StatusCode::FORBIDDEN, "forbidden"));
    let cross = server
        .request_with(
            "PUT",
            "/api/me/status",
            Some(&cookie),
            body.clone(),
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    let own = server
        .request_with(
            "PUT",
            "/api/me/status",
            Some(&cookie),
            body,
            &[("origin", "http://hovor.test"), ("host", "hovor.test")],
        )
        .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.json);
    let read = server
        .request_with("GET", "/api/session", Some(&cookie), None, &[("origin", "https://evil.example")])
        .await;
    assert_eq!(read.status, StatusCode::OK, "reads are not state changes");
}

#[tokio::test]
async fn wrong_passwords_are_slowed_down_without_locking_the_agent_out() {
    let server = TestServer::new().await;
    let guess = |password: &'static str| {
        server.request_with(
            "POST",
            "/api/session",
            None,
            Some(json!({"username": "agent1", "password": password})),
            &[],
        )
    };
    // The tests' requests carry no peer address: all count as one client.
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(guess("wrong").await.status);
    }
    assert_eq!(&statuses[..3], &[StatusCode::UNAUTHORIZED; 3], "three free tries");
    let limited = guess("hovor-demo").await;
    assert_eq!((limited.status, code(&limited.json)), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
    assert!(limited.json["retry_after_s"].as_u64().unwrap() >= 1);
    assert!(statuses[3..].iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
}

#[tokio::test]
async fn a_full_queue_refuses_new_chats_with_429() {
    let server = TestServer::new().await;
    let queue = server.queue_id(0).await;
    server.set_routing(queue, json!({"max_waiting": 1})).await;
    server.start_chat(queue, "First Waiting").await;
    let ids = server.survey_ids(queue).await;
    let second = server
        .start_chat_with(
            queue,
            json!({"name": "Second", "answers": [
                {"question_id": ids[0], "answer": "My last invoice"}, {"question_id": ids[2], "answer": "English"}]}),
        )
        .await;
    assert_eq!((second.status, code(&second.json)), (StatusCode::TOO_MANY_REQUESTS, "queue_full"));
}

#[tokio::test]
async fn an_ended_chat_takes_no_more_context_or_self_service_and_stale_times_are_refused() {
    let server = TestServer::new().await;
    let customer = server.start_chat(server.queue_id(0).await, "Ended Soon").await;
    let now = hovor_server::db::now_ms();
    let stale = json!({"kind": "page_visited", "detail": "/faq", "at": now - 3 * 24 * 3600 * 1000});
    let refused = server.request("POST", "/api/chat/self-service", Some(&customer.cookie), Some(stale)).await;
    assert_eq!(
        (refused.status, refused.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("self_service.0.at"))
    );
    let ended = server.request("POST", "/api/chat/end", Some(&customer.cookie), None).await;
    assert_eq!(ended.status, StatusCode::NO_CONTENT);
    let action = json!({"kind": "page_visited", "detail": "/faq", "at": now});
    let late = server.request("POST", "/api/chat/self-service", Some(&customer.cookie), Some(action)).await;
    assert_eq!((late.status, late.json["reason"].as_str()), (StatusCode::CONFLICT, Some("ended")));
    let context = json!({"vars": [{"key": "cart", "value": "3 items"}]});
    let late = server.request("POST", "/api/chat/context", Some(&customer.cookie), Some(context)).await;
    assert_eq!((late.status, late.json["reason"].as_str()), (StatusCode::CONFLICT, Some("ended")));
}

#[tokio::test]
async fn a_supervisor_sending_in_someone_elses_chat_is_told_it_is_not_theirs() {
    let server = TestServer::new().await;
    let agent = server.sign_in("agent1").await;
    server.go_available(&agent).await;
    let customer = server.start_chat(server.queue_id(0).await, "Assigned Elsewhere").await;
    let offered = server.offered(&agent).await;
    assert!(offered.contains(&customer.conversation_id));
    let id = customer.conversation_id;
    let accepted = server
        .request("POST", "/api/offers/accept", Some(&agent), Some(json!({"conversation_ids": [id]})))
        .await;
    assert_eq!(accepted.json["accepted"], json!([id]));
    let supervisor = server.sign_in("supervisor").await;
    let sent = server
        .request(
            "POST",
            &format!("/api/conversations/{}/messages", customer.conversation_id),
            Some(&supervisor),
            Some(json!({"body": "Hello from the supervisor"})),
        )
        .await;
    assert_eq!((sent.status, sent.json["reason"].as_str()), (StatusCode::CONFLICT, Some("not_assigned")));
}

/// Waits for a database condition, polling; gives up after `limit`.
async fn until(server: &TestServer, sql: &'static str, id: i64, limit: std::time::Duration) -> bool {
    let started = std::time::Instant::now();
    while started.elapsed() < limit {
        let hovor_server::db::Flag(yes) =
            sqlx::query_scalar(sql).bind(id).fetch_one(&server.pool).await.unwrap();
        if yes {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    false
}

#[tokio::test]
async fn a_chat_whose_customer_closed_the_page_rings_nobody_and_ends_as_abandoned() {
    use std::time::{Duration, Instant};
    let server = TestServer::new().await;
    let queue = server.queue_id(0).await;
    server.set_routing(queue, json!({"abandon_after_seconds": 5})).await;
    server.state.start_routing();

    // Nobody is available: both chats wait. One customer closes the page; the other reloads it.
    let gone = server.start_chat(queue, "Gone Away").await;
    let back = server.start_chat(queue, "Reloads Page").await;
    let gone_page = server.stream("/api/chat/events", &gone.cookie, None).await;
    let back_page = server.stream("/api/chat/events", &back.cookie, None).await;
    drop(gone_page);
    let left = Instant::now();
    drop(back_page);
    let left_sql = "SELECT customer_left_at IS NOT NULL FROM conversations WHERE id = $1";
    assert!(until(&server, left_sql, gone.conversation_id, Duration::from_secs(5)).await, "marked as left");
    assert!(until(&server, left_sql, back.conversation_id, Duration::from_secs(5)).await, "marked as left");
    let _back_again = server.stream("/api/chat/events", &back.cookie, None).await;
    let here_sql = "SELECT customer_left_at IS NULL FROM conversations WHERE id = $1";
    assert!(until(&server, here_sql, back.conversation_id, Duration::from_secs(5)).await, "back again");

    // An agent becomes available: the chat of the customer who is there rings, the other never does.
    let agent = server.sign_in("agent1").await;
    server.go_available(&agent).await;
    let offered = server.offered(&agent).await;
    assert!(offered.contains(&back.conversation_id), "{offered:?}");
    assert!(!offered.contains(&gone.conversation_id), "{offered:?}");

    // The queue's 5 s pass: the chat ends as abandoned, without anyone touching it.
    let ended_sql = "SELECT status = 'ended' AND abandoned = 1 FROM conversations WHERE id = $1";
    assert!(
        until(&server, ended_sql, gone.conversation_id, Duration::from_secs(15)).await,
        "ends as abandoned"
    );
    assert!(
        left.elapsed() >= Duration::from_millis(4_900),
        "not before the queue's time: {:?}",
        left.elapsed()
    );
    assert_eq!(server.offers_among(&[gone.conversation_id]).await, 0);
    let view = server.request("GET", "/api/chat/conversation", Some(&gone.cookie), None).await;
    assert_eq!(view.json["status"], "ended", "{}", view.json);
    let hovor_server::db::Flag(still) =
        sqlx::query_scalar("SELECT status = 'active' FROM conversations WHERE id = $1")
            .bind(back.conversation_id)
            .fetch_one(&server.pool)
            .await
            .unwrap();
    assert!(still, "the customer who came back still waits for their agent");
}
