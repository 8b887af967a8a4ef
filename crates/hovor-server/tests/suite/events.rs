//! The event stream: every change arrives once, in order; a client that reconnects with its last id gets
//! exactly what it missed, also from a restarted server; nobody gets another queue's events.

use crate::common;

use std::time::Duration;

use axum::http::StatusCode;
use common::TestServer;
use hovor_types::event::{EventEnvelope, ServerEvent};
use serde_json::json;

const QUIET: Duration = Duration::from_millis(400);

async fn first_task(server: &TestServer, cookie: &str) -> i64 {
    let tasks = server.request("GET", "/api/tasks", Some(cookie), None).await.json;
    tasks[0]["id"].as_i64().unwrap()
}

async fn send(server: &TestServer, cookie: &str, conversation: i64, body: &str) -> i64 {
    let path = format!("/api/conversations/{conversation}/messages");
    let answer = server.request("POST", &path, Some(cookie), Some(json!({ "body": body }))).await;
    assert_eq!(answer.status, StatusCode::CREATED);
    answer.json["id"].as_i64().unwrap()
}

fn bodies(events: &[common::Sse]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| {
            let envelope: EventEnvelope = serde_json::from_str(&e.data).expect("an EventEnvelope");
            assert_eq!(Some(envelope.id), e.id, "the SSE id is the envelope's id");
            match envelope.event {
                ServerEvent::MessageCreated { message } => Some(message.body),
                _ => None,
            }
        })
        .collect()
}

#[tokio::test]
async fn a_reconnecting_client_gets_exactly_the_missed_events_then_live_ones() {
    let server = TestServer::new().await;
    let cookie = server.sign_in("agent1").await;
    let conversation = first_task(&server, &cookie).await;

    let mut live = server.events(&cookie, None).await;
    send(&server, &cookie, conversation, "one").await;
    let first = live.next_within(QUIET).await.expect("the first event, live");
    assert_eq!(bodies(std::slice::from_ref(&first)), vec!["one"]);
    drop(live); // the connection drops

    for body in ["two", "three", "four"] {
        send(&server, &cookie, conversation, body).await;
    }
    let mut resumed = server.events(&cookie, first.id).await;
    let missed = resumed.drain(QUIET).await;
    assert_eq!(bodies(&missed), vec!["two", "three", "four"], "0 missing, 0 duplicated, in order");

    send(&server, &cookie, conversation, "five").await;
    let next = resumed.drain(QUIET).await;
    assert_eq!(bodies(&next), vec!["five"]);
}

#[tokio::test]
async fn replay_works_across_a_server_restart() {
    let database = crate::database::TestDatabase::new();
    let url = database.url.clone();
    let before = TestServer::on(&url, true).await;
    let cookie = before.sign_in("agent1").await;
    let conversation = first_task(&before, &cookie).await;
    let mut stream = before.events(&cookie, None).await;
    send(&before, &cookie, conversation, "before restart").await;
    let seen = stream.next_within(QUIET).await.unwrap();
    drop(stream);
    send(&before, &cookie, conversation, "while disconnected").await;
    before.pool.close().await;
    drop(before);

    // A new process on the same database: same sessions, same outbox.
    let after = TestServer::on(&url, false).await;
    send(&after, &cookie, conversation, "after restart").await;
    let mut resumed = after.events(&cookie, seen.id).await;
    assert_eq!(bodies(&resumed.drain(QUIET).await), vec!["while disconnected", "after restart"]);
}

#[tokio::test]
async fn agents_receive_only_their_queues_events() {
    let server = TestServer::new().await;
    let agent1 = server.sign_in("agent1").await;
    let agent3 = server.sign_in("agent3").await;
    let supervisor = server.sign_in("supervisor").await;
    let conversation = first_task(&server, &agent1).await;
    let mut other = server.events(&agent3, Some(0)).await;
    let mut everyone = server.events(&supervisor, Some(0)).await;
    send(&server, &agent1, conversation, "queue business").await;
    assert_eq!(bodies(&everyone.drain(QUIET).await), vec!["queue business"]);
    assert!(other.drain(QUIET).await.is_empty(), "agent3 works other queues");
}

#[tokio::test]
async fn an_id_the_server_never_issued_asks_the_client_to_resync() {
    let server = TestServer::new().await;
    let cookie = server.sign_in("agent1").await;
    let mut stream = server.events(&cookie, Some(1_000_000)).await;
    let first = stream.next_within(QUIET).await.expect("a resync event");
    assert_eq!(first.event.as_deref(), Some("resync"));
    let bad = server.request_with("GET", "/api/events", Some(&cookie), None, &[("Last-Event-ID", "x")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(server.request("GET", "/api/events", None, None).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn one_idempotency_key_sent_five_times_at_once_stores_one_message_and_one_event() {
    let server = TestServer::new().await;
    let cookie = server.sign_in("agent2").await;
    let conversation = first_task(&server, &cookie).await;
    let path = format!("/api/conversations/{conversation}/messages");
    let mut stream = server.events(&cookie, None).await;
    let sends = (0..5).map(|_| {
        server.request_with(
            "POST",
            &path,
            Some(&cookie),
            Some(json!({"body": "once"})),
            &[("Idempotency-Key", "k-5x")],
        )
    });
    let answers = futures_util::future::join_all(sends).await;
    let ids: Vec<_> = answers.iter().map(|a| a.json["id"].clone()).collect();
    assert!(answers.iter().all(|a| a.status == StatusCode::CREATED));
    assert!(ids.iter().all(|id| *id == ids[0]), "every retry answers with the same message: {ids:?}");
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE idempotency_key = 'k-5x'")
        .fetch_one(&server.pool)
        .await
        .unwrap();
    assert_eq!(stored, 1);
    assert_eq!(bodies(&stream.drain(QUIET).await), vec!["once"], "one event");
}

#[tokio::test]
async fn shutting_down_ends_open_streams() {
    let server = TestServer::new().await;
    let cookie = server.sign_in("agent1").await;
    let mut stream = server.events(&cookie, None).await;
    server.state.hub.shut_down();
    assert!(stream.next_within(Duration::from_secs(2)).await.is_none());
}
