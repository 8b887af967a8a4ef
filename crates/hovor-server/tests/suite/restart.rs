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
