//! Writes under pressure: many clients on one version, one idempotency key sent many times at once,
//! and the server killed (`kill -9`) in the middle of concurrent writes, round after round.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::binary::{self, KillOnDrop};
use crate::common::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_clients_saving_one_contact_on_one_version_leave_one_winner_a_round() {
    let server = TestServer::new().await;
    let mut cookies = Vec::new();
    for n in 0..16 {
        cookies.push(server.sign_in(&format!("agent{}", n % 8 + 1)).await);
    }
    let body = json!({"fields": {"version": null, "first_name": "Jana", "last_name": "Malá", "language": "cs", "account_id": null}});
    let created = server.request("POST", "/api/contacts", Some(&cookies[0]), Some(body)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let path = format!("/api/contacts/{}", created.json["id"]);

    let server = &server;
    for round in 0..50 {
        let current = server.request("GET", &path, Some(&cookies[0]), None).await.json;
        let saves = cookies.iter().enumerate().map(|(client, cookie)| {
            let name = format!("R{round}C{client}");
            let fields = json!({"version": current["version"], "first_name": name, "last_name": "Malá",
                "language": "cs", "account_id": null});
            let path = path.clone();
            async move { (name, server.request("PUT", &path, Some(cookie), Some(fields)).await) }
        });
        let answers = futures_util::future::join_all(saves).await;
        let winners: Vec<&String> =
            answers.iter().filter(|(_, a)| a.status == StatusCode::OK).map(|(name, _)| name).collect();
        assert_eq!(winners.len(), 1, "round {round}: {winners:?}");
        for (_, answer) in answers.iter().filter(|(_, a)| a.status != StatusCode::OK) {
            assert_eq!(
                (answer.status, answer.json["code"].as_str()),
                (StatusCode::CONFLICT, Some("version_conflict")),
                "round {round}: {}",
                answer.json
            );
        }
        let stored = server.request("GET", &path, Some(&cookies[0]), None).await.json;
        assert_eq!(stored["first_name"].as_str(), Some(winners[0].as_str()), "round {round}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_idempotency_key_sent_ten_times_at_once_stores_one_message_and_one_event() {
    let server = TestServer::new().await;
    let agent = server.sign_in("agent1").await;
    let tasks = server.request("GET", "/api/tasks", Some(&agent), None).await.json;
    let chat =
        tasks.as_array().unwrap().iter().find(|t| t["channel"] == "chat").expect("a chat")["id"].clone();
    let path = format!("/api/conversations/{chat}/messages");
    let sends = (0..10).map(|_| {
        server.request_with(
            "POST",
            &path,
            Some(&agent),
            Some(json!({"body": "Hned to prověřím."})),
            &[("Idempotency-Key", "agent-retry-10")],
        )
    });
    let answers = futures_util::future::join_all(sends).await;
    assert!(
        answers.iter().all(|a| a.status == StatusCode::CREATED),
        "{:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    let id = answers[0].json["id"].as_i64().expect("message id");
    assert!(answers.iter().all(|a| a.json["id"] == id));
    let messages: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE idempotency_key = 'agent-retry-10'")
            .fetch_one(&server.pool)
            .await
            .unwrap();
    assert_eq!(messages, 1);
    let events: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM events
         WHERE CAST(json_extract(payload, '$.message_created.message.id') AS BIGINT) = $1",
    )
    .bind(id)
    .fetch_one(&server.pool)
    .await
    .unwrap();
    assert_eq!(events, 1, "one event for the one message");
}

/// Writers that send messages until the server goes away; the ids the server acknowledged (201).
/// `acknowledged_so_far` counts them as they come.
fn writers(
    port: u16,
    cookie: &str,
    conversation: &Value,
    count: usize,
    round: usize,
    acknowledged_so_far: &Arc<AtomicUsize>,
) -> Vec<thread::JoinHandle<Vec<i64>>> {
    (0..count)
        .map(|writer| {
            let (cookie, path) = (cookie.to_owned(), format!("/api/conversations/{conversation}/messages"));
            let so_far = acknowledged_so_far.clone();
            thread::spawn(move || {
                let mut acknowledged = Vec::new();
                for n in 0.. {
                    let body = json!({"body": format!("round {round} writer {writer} message {n}")});
                    let (status, _, answer) = binary::call(port, "POST", &path, Some(&cookie), Some(&body));
                    if status != 201 {
                        break; // killed
                    }
                    let message: Value = serde_json::from_str(&answer).expect("a message");
                    acknowledged.push(message["id"].as_i64().expect("id"));
                    so_far.fetch_add(1, Ordering::SeqCst);
                }
                acknowledged
            })
        })
        .collect()
}

#[test]
fn thirty_kills_during_concurrent_writes_lose_no_acknowledged_write() {
    let test_database = crate::database::TestDatabase::new();
    let database = test_database.url.clone();
    let port = binary::free_port();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let mut acknowledged_total = 0;
    for round in 0..30 {
        let mut server = KillOnDrop(binary::start(port, &database));
        let cookie = binary::sign_in(port, "agent1");
        let (_, _, tasks) = binary::call(port, "GET", "/api/tasks", Some(&cookie), None);
        let tasks: Value = serde_json::from_str(&tasks).unwrap();
        let chat =
            tasks.as_array().unwrap().iter().find(|t| t["channel"] == "chat").expect("a chat")["id"].clone();
        let so_far = Arc::new(AtomicUsize::new(0));
        let threads = writers(port, &cookie, &chat, 4, round, &so_far);
        // Once writes are flowing (however slow this machine), kill at a different moment each round.
        let started = Instant::now();
        while so_far.load(Ordering::SeqCst) == 0 {
            assert!(started.elapsed() < Duration::from_secs(60), "round {round}: no write acknowledged");
            thread::sleep(Duration::from_millis(5));
        }
        thread::sleep(Duration::from_millis(20 + (round as u64 * 37) % 250));
        server.0.kill().unwrap();
        server.0.wait().unwrap();
        let acknowledged: Vec<i64> = threads.into_iter().flat_map(|t| t.join().unwrap()).collect();
        assert!(!acknowledged.is_empty(), "round {round}: no write acknowledged in {:?}", started.elapsed());
        acknowledged_total += acknowledged.len();

        let (intact, stored) = runtime.block_on(async {
            let pool = hovor_server::db::connect(&database).await.unwrap();
            let intact = crate::database::integrity(&pool).await;
            let ids = serde_json::to_string(&acknowledged).unwrap();
            let stored: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM messages WHERE id IN (SELECT CAST(value AS BIGINT) FROM json_each($1))",
            )
            .bind(ids)
            .fetch_one(&pool)
            .await
            .unwrap();
            pool.close().await;
            (intact, stored)
        });
        assert_eq!(intact, "ok", "round {round}");
        assert_eq!(
            stored as usize,
            acknowledged.len(),
            "round {round}: every acknowledged message is stored"
        );
    }
    assert!(acknowledged_total >= 30, "{acknowledged_total} writes acknowledged");
    println!(
        "{acknowledged_total} acknowledged writes over 30 kills (kill -9), every one stored, integrity ok"
    );
}
