//! Several Hovor instances on one PostgreSQL database (these tests start the project's test cluster
//! when the suite itself runs on SQLite): events cross instances in order and resume on another
//! instance, routing decisions are taken one at a time across them, and the outbox sends once.

use std::collections::BTreeSet;
use std::time::Duration;

use futures_util::future::join_all;
use serde_json::json;

use crate::binary::{EventIds, KillOnDrop, call, free_port, open_stream, sign_in, start};
use crate::common::TestServer;
use crate::database::TestDatabase;

fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(future)
}

/// The ids after `after` of the events agent1 sees (their own and their queues').
async fn agent1_events_after(url: &str, after: i64) -> Vec<i64> {
    let pool = hovor_server::db::connect(url).await.unwrap();
    let ids = sqlx::query_scalar(
        "SELECT id FROM events WHERE id > $1 AND (user_id = (SELECT id FROM users WHERE username = 'agent1')
           OR queue_id IN (SELECT queue_id FROM queue_members WHERE user_id = (SELECT id FROM users WHERE username = 'agent1')))
         ORDER BY id",
    )
    .bind(after)
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    ids
}

#[test]
fn a_stream_on_a_killed_instance_resumes_on_the_other_with_nothing_missing_or_repeated() {
    let database = TestDatabase::postgres();
    let (port_a, port_b) = (free_port(), free_port());
    // Both start at once on the empty database: one migrates and fills the demo, the other waits its turn.
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| start(port_a, &database.url));
        let b = s.spawn(|| start(port_b, &database.url));
        (a.join().unwrap(), b.join().unwrap())
    });
    let (mut a, _b) = (KillOnDrop(a), KillOnDrop(b));
    let agents: i64 = block_on(async {
        let pool = hovor_server::db::connect(&database.url).await.unwrap();
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE username = 'agent1'")
            .fetch_one(&pool)
            .await
            .unwrap()
    });
    assert_eq!(agents, 1, "the demo was filled once");

    let agent = sign_in(port_a, "agent1");
    let mut on_a = EventIds::new(open_stream(port_a, "/api/events", &agent, None));
    on_a.established(Duration::from_secs(10));
    let head = *block_on(agent1_events_after(&database.url, 0)).last().unwrap_or(&0);

    // A customer writes through instance B while agent1 reads on instance A.
    let writer = std::thread::spawn(move || {
        let (cookie, mut ids) = crate::restart::chat_with_messages(port_b);
        for n in 0..40 {
            let body = json!({"body": format!("message {n}")});
            let (status, _, answer) = call(port_b, "POST", "/api/chat/messages", Some(&cookie), Some(&body));
            assert_eq!(status, 201, "{answer}");
            ids.push(serde_json::from_str::<serde_json::Value>(&answer).unwrap()["id"].as_i64().unwrap());
        }
        ids
    });
    // B's events reach A's stream live; A dies (kill -9) while they flow.
    on_a.read_until(Duration::from_secs(30), |ids| ids.iter().filter(|&&id| id > head).count() >= 10);
    let live = on_a.ids().into_iter().filter(|&id| id > head).count();
    assert!(live >= 10, "instance A's stream delivered {live} of instance B's events within 30 s");
    a.0.kill().unwrap();
    a.0.wait().unwrap();
    on_a.read_until(Duration::from_secs(10), |_| false);
    assert!(on_a.ended, "the killed instance's stream ends");
    let messages = writer.join().unwrap();
    assert_eq!(messages.len(), 43, "every message acknowledged by instance B");

    let seen_on_a: Vec<i64> = on_a.ids().into_iter().filter(|&id| id > head).collect();
    let last_on_a = *seen_on_a.last().unwrap();
    let expected = block_on(agent1_events_after(&database.url, head));
    let still_to_come = expected.iter().filter(|&&id| id > last_on_a).count();
    let mut on_b = EventIds::new(open_stream(port_b, "/api/events", &agent, Some(last_on_a)));
    on_b.read_until(Duration::from_secs(30), |ids| ids.len() >= still_to_come);
    let seen_on_b = on_b.ids();

    let all: Vec<i64> = seen_on_a.iter().chain(&seen_on_b).copied().collect();
    let unique: BTreeSet<i64> = all.iter().copied().collect();
    assert_eq!(unique.len(), all.len(), "no event twice: A {seen_on_a:?}, B {seen_on_b:?}");
    assert!(all.windows(2).all(|w| w[0] < w[1]), "in commit order: {all:?}");
    assert_eq!(all, expected, "every event once, across the two instances");
}

/// Open chat activities plus chat offers per agent, beside the agent's chat capacity.
async fn over_capacity(server: &TestServer) -> Vec<(i64, i64, i64)> {
    sqlx::query_as(
        "SELECT u.id,
                (SELECT COUNT(*) FROM activities a JOIN conversations c ON c.id = a.conversation_id
                  WHERE a.agent_id = u.id AND a.wrapped_up_at IS NULL AND c.channel = 'chat')
              + (SELECT COUNT(*) FROM offers o JOIN conversations c ON c.id = o.conversation_id
                  WHERE o.agent_id = u.id AND c.channel = 'chat') AS load,
                COALESCE((SELECT capacity FROM agent_capacity WHERE user_id = u.id AND channel = 'chat'), 3) AS capacity
         FROM users u WHERE u.role = 'agent'",
    )
    .fetch_all(&server.pool)
    .await
    .unwrap()
    .into_iter()
    .filter(|(_, load, capacity): &(i64, i64, i64)| load > capacity)
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_chats_on_two_instances_and_eight_agents_are_offered_once_within_capacity() {
    let database = TestDatabase::postgres();
    let a = TestServer::on(&database.url, true).await;
    let b = TestServer::on(&database.url, false).await;
    let instance = |n: usize| if n.is_multiple_of(2) { &a } else { &b };
    let agents: Vec<String> = (1..=8).map(|n| format!("agent{n}")).collect();
    let mut cookies = Vec::new();
    for (n, name) in agents.iter().enumerate() {
        instance(n).set_chat_capacity(name, 6).await;
        cookies.push(instance(n).sign_in(name).await);
    }
    join_all(cookies.iter().enumerate().map(|(n, cookie)| instance(n).go_available(cookie))).await;

    let queue = a.queue_id(1).await;
    let names: Vec<String> = (0..200).map(|n| format!("Customer {n}")).collect();
    let chats = join_all(names.iter().enumerate().map(|(n, name)| instance(n).start_chat(queue, name))).await;
    let chats: Vec<i64> = chats.iter().map(|c| c.conversation_id).collect();
    assert!(over_capacity(&a).await.is_empty(), "over capacity: {:?}", over_capacity(&a).await);

    let mut accepted = 0;
    for _round in 0..3 {
        let rounds = join_all(cookies.iter().enumerate().map(|(n, cookie)| async move {
            let server = instance(n + 1); // through the other instance than the one it signed in on
            let offered = server.offered(cookie).await;
            if offered.is_empty() {
                return 0;
            }
            let body = json!({"conversation_ids": offered});
            let answer = server.request("POST", "/api/offers/accept", Some(cookie), Some(body)).await;
            assert_eq!(answer.status, axum::http::StatusCode::OK, "{}", answer.json);
            offered.len()
        }))
        .await;
        accepted += rounds.iter().sum::<usize>();
        assert!(over_capacity(&a).await.is_empty(), "over capacity: {:?}", over_capacity(&a).await);
    }
    assert!(accepted >= 8, "the agents accepted {accepted} chats");

    let list = serde_json::to_string(&chats).unwrap();
    let held_twice: Vec<i64> = sqlx::query_scalar(
        "SELECT conversation_id FROM activities WHERE wrapped_up_at IS NULL
           AND conversation_id IN (SELECT CAST(value AS BIGINT) FROM json_each($1))
         GROUP BY conversation_id HAVING COUNT(*) > 1",
    )
    .bind(&list)
    .fetch_all(&a.pool)
    .await
    .unwrap();
    assert!(held_twice.is_empty(), "held by two agents: {held_twice:?}");
    let offered_twice: Vec<i64> = sqlx::query_scalar(
        "SELECT CAST(json_extract(payload, '$.offer_created.offer.conversation_id') AS BIGINT) AS c FROM events
         WHERE payload LIKE '{\"offer_created\"%'
         GROUP BY c HAVING COUNT(*) > 1",
    )
    .fetch_all(&a.pool)
    .await
    .unwrap();
    assert!(offered_twice.is_empty(), "offered twice: {offered_twice:?}");
    let offers: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE payload LIKE '{\"offer_created\"%'")
            .fetch_one(&a.pool)
            .await
            .unwrap();
    assert!(offers as usize >= accepted, "{offers} offers for {accepted} acceptances");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_unanswered_offer_expires_once_with_both_instances_timers_running() {
    let database = TestDatabase::postgres();
    let a = TestServer::on(&database.url, true).await;
    let b = TestServer::on(&database.url, false).await;
    let queue = a.queue_id(0).await;
    a.set_routing(queue, json!({"rona_seconds": 3})).await;
    a.state.start_routing();
    b.state.start_routing();
    let agent1 = a.sign_in("agent1").await;
    a.go_available(&agent1).await;
    join_all(["Jana", "Karel", "Eva", "Petr"].map(|name| b.start_chat(queue, name))).await;
    let offered = a.offered(&agent1).await;
    assert!(!offered.is_empty(), "agent1 is offered a chat");

    // Both timers wake for the deadline; the offers end once each, as no answer, and the agent goes Idle.
    let mut stream = b.events(&agent1, None).await;
    let started = std::time::Instant::now();
    while a.request("GET", "/api/me/status", Some(&agent1), None).await.json["state"] != "idle" {
        assert!(started.elapsed() < Duration::from_secs(15), "the offer did not expire");
        let _ = stream.next_within(Duration::from_millis(500)).await;
    }
    let ended: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT CAST(json_extract(payload, '$.offer_ended.conversation_id') AS BIGINT) AS c, COUNT(*) FROM events
         WHERE payload LIKE '{\"offer_ended\"%' GROUP BY c",
    )
    .fetch_all(&a.pool)
    .await
    .unwrap();
    let expected: Vec<(i64, i64)> = offered.iter().map(|&c| (c, 1)).collect();
    let mut ended = ended;
    ended.sort();
    assert_eq!(ended, expected, "each offer ended once");
    let idle_events: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM events WHERE payload LIKE '{\"status_changed\"%' AND payload LIKE '%no_answer%'",
    )
    .fetch_one(&a.pool)
    .await
    .unwrap();
    assert_eq!(idle_events, 1, "the agent was set Idle once");
}
