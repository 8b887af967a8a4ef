//! The real binary restarted under open streams: a stream resumed with `Last-Event-ID` after the restart
//! receives every stored event after its id at once, for the agent and for the customer, whether the
//! server stopped on SIGTERM or was killed.

use crate::binary;

use std::net::TcpStream;
use std::process::Child;
use std::time::Duration;

use binary::{EventIds, KillOnDrop, call, free_port, open_stream, sign_in, start, wait_for_exit};
use serde_json::{Value, json};

/// The ids of the events a stream delivers within `within`, returning as soon as `enough` arrived.
pub(crate) fn ids_within(stream: TcpStream, within: Duration, enough: usize) -> Vec<i64> {
    let mut ids = EventIds::new(stream);
    ids.established(within);
    ids.read_until(within, |ids| ids.len() >= enough);
    ids.ids()
}

/// A customer's chat in queue 1 with three messages; returns the chat cookie and the ids of the
/// events its messages made.
pub(crate) fn chat_with_messages(port: u16) -> (String, Vec<i64>) {
    let (_, _, setup) = call(port, "GET", "/api/chat/queues/1", None, None);
    let setup: Value = serde_json::from_str(&setup).unwrap();
    let answers: Vec<Value> = setup["survey"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["required"] == true)
        .map(|q| json!({"question_id": q["id"], "answer": q["options"].get(0).cloned().unwrap_or(json!("Invoice"))}))
        .collect();
    let (status, chat_cookie, body) = call(
        port,
        "POST",
        "/api/chat/queues/1/conversations",
        None,
        Some(&json!({"name": "Replay Customer", "answers": answers})),
    );
    assert_eq!(status, 201, "{body}");
    let chat_cookie = chat_cookie.expect("chat cookie");
    let mut ids = Vec::new();
    for text in ["one", "two", "three"] {
        let (status, _, body) =
            call(port, "POST", "/api/chat/messages", Some(&chat_cookie), Some(&json!({"body": text})));
        assert_eq!(status, 201, "{body}");
        ids.push(serde_json::from_str::<Value>(&body).unwrap()["id"].as_i64().unwrap());
    }
    (chat_cookie, ids)
}

fn replays_after(stop: impl Fn(&mut Child)) {
    let test_database = crate::database::TestDatabase::new();
    let database = test_database.url.clone();
    let port = free_port();
    let mut server = start(port, &database);
    let agent = sign_in(port, "agent1");
    let mut live = EventIds::new(open_stream(port, "/api/events", &agent, None));
    live.established(Duration::from_secs(30));
    let (customer, _messages) = chat_with_messages(port);
    // What the agent's desk saw live: the chat queued and its three messages, however busy the machine.
    live.read_until(Duration::from_secs(30), |ids| ids.len() >= 4);
    let seen = live.ids();
    assert!(seen.len() >= 4, "live agent stream: {seen:?}");
    stop(&mut server);

    let _again = KillOnDrop(start(port, &database));
    let from = seen[0] - 1;
    let agent_ids =
        ids_within(open_stream(port, "/api/events", &agent, Some(from)), Duration::from_secs(1), seen.len());
    assert!(
        seen.iter().all(|id| agent_ids.contains(id)),
        "agent stream replayed {agent_ids:?}, saw {seen:?}"
    );
    let customer_ids =
        ids_within(open_stream(port, "/api/chat/events", &customer, Some(from)), Duration::from_secs(1), 3);
    assert!(customer_ids.len() >= 3, "customer stream replayed {customer_ids:?}");
    assert!(customer_ids.iter().all(|id| seen.contains(id)), "the customer's events are the conversation's");
}

#[test]
fn a_resumed_stream_gets_the_stored_events_at_once_after_sigterm() {
    replays_after(binary::stop);
}

#[test]
fn a_resumed_stream_gets_the_stored_events_at_once_after_kill_9() {
    replays_after(|child| {
        child.kill().unwrap();
        wait_for_exit(child);
    });
}

/// Polls `check` until it gives a value, at most 30 s.
fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(std::time::Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_killed_instance_started_again_ends_the_calls_it_held_and_leaves_no_ghost_call() {
    use crate::voice::{Heard, Phone, Tunes, until};
    let test_database = crate::database::TestDatabase::new();
    let database = test_database.url.clone();
    let port = free_port();
    let mut server = start(port, &database);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let pool = runtime.block_on(hovor_server::db::connect(&database)).unwrap();
    let query = |sql: &'static str, id: i64| -> (String, Option<i64>) {
        runtime.block_on(sqlx::query_as(sql).bind(id).fetch_one(&pool)).unwrap()
    };

    // An agent of Technical support (entry point +420 800 100 102), Available.
    let member: String = runtime
        .block_on(
            sqlx::query_scalar(
                "SELECT u.username FROM queue_members m JOIN users u ON u.id = m.user_id
                 JOIN queues q ON q.id = m.queue_id
                 WHERE q.entry_number = '420800100102' AND u.role = 'agent' ORDER BY u.id LIMIT 1",
            )
            .fetch_one(&pool),
        )
        .unwrap();
    let agent = sign_in(port, &member);
    let (status, _, body) =
        call(port, "PUT", "/api/me/status", Some(&agent), Some(&json!({"state": "available"})));
    assert_eq!(status, 200, "{body}");

    // A caller whose call the agent answers, and one still waiting in the queue.
    let tunes = Tunes::load();
    let mut phones = Vec::new();
    let mut ids = Vec::new();
    for from in ["+420 777 000 444", "+420 777 000 555"] {
        let (mut phone, offer) = Phone::offering(b'C', None);
        let dial = json!({"from": from, "to": "+420 800 100 102", "sdp": offer});
        let (status, _, body) = call(port, "POST", "/api/phone/calls", None, Some(&dial));
        assert_eq!(status, 201, "{body}");
        let answer: Value = serde_json::from_str(&body).unwrap();
        phone.answered(answer["sdp"].as_str().unwrap());
        until(&mut [&mut phone], &tunes, "the caller hears the queue's music", |p| {
            p[0].count(Heard::QueueMusic) >= 3
        });
        let digits = from.replace([' ', '+'], "");
        let id: i64 = runtime
            .block_on(
                sqlx::query_scalar("SELECT id FROM conversations WHERE caller_number = $1")
                    .bind(digits)
                    .fetch_one(&pool),
            )
            .unwrap();
        phones.push(phone);
        ids.push(id);
        if ids.len() == 1 {
            eventually("the call is offered to the agent", || {
                let (_, _, offers) = call(port, "GET", "/api/offers", Some(&agent), None);
                offers.contains(&format!("\"conversation_id\":{id}")).then_some(())
            });
            let accept = json!({"conversation_ids": [id]});
            let (status, _, body) = call(port, "POST", "/api/offers/accept", Some(&agent), Some(&accept));
            assert_eq!(status, 200, "{body}");
        }
    }
    let (answered, waiting) = (ids[0], ids[1]);
    let state = "SELECT status, agent_id FROM conversations WHERE id = $1";
    assert!(matches!(query(state, answered), (s, Some(_)) if s == "active"), "answered, before the kill");
    assert_eq!(query(state, waiting), ("active".to_owned(), None), "waiting, before the kill");

    server.kill().unwrap();
    wait_for_exit(&mut server);
    let _again = KillOnDrop(start(port, &database));

    // The calls' audio went with the process: both conversations ended, the agent's activity closed.
    assert_eq!(query(state, answered).0, "ended");
    assert_eq!(query(state, waiting).0, "ended");
    let activity = "SELECT 'activity', ended_at FROM activities WHERE conversation_id = $1";
    assert!(query(activity, answered).1.is_some(), "the agent's activity ended");
    // The agent's task list keeps the call only for its wrap-up; nothing rings.
    let agent = sign_in(port, &member);
    let (_, _, tasks) = call(port, "GET", "/api/tasks", Some(&agent), None);
    let tasks: Value = serde_json::from_str(&tasks).unwrap();
    let task = tasks.as_array().unwrap().iter().find(|t| t["id"] == answered).expect("the call's task");
    assert_eq!(task["needs_wrap_up"], true, "{task}");
    assert!(!tasks.as_array().unwrap().iter().any(|t| t["id"] == waiting), "{tasks}");
}
