//! The real binary restarted under open streams: a stream resumed with `Last-Event-ID` after the restart
//! receives every stored event after its id at once, for the agent and for the customer, whether the
//! server stopped on SIGTERM or was killed.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// One request; returns the status line's code, the `Set-Cookie` value (name=value) and the body.
fn call(
    port: u16,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<&Value>,
) -> (u16, Option<String>, String) {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else { return (0, None, String::new()) };
    let body = body.map(Value::to_string).unwrap_or_default();
    let cookie = cookie.map(|c| format!("Cookie: {c}\r\n")).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\n{cookie}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap_or_default();
    let mut answer = String::new();
    // A server still starting (or stopping) may drop the connection: that reads as no answer.
    if stream.read_to_string(&mut answer).is_err() {
        return (0, None, String::new());
    }
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let set_cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .map(str::to_owned);
    // Bodies here are small and sent whole or chunked once.
    let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        body.split_once("\r\n").map_or("", |(_, rest)| rest).rsplit_once("\r\n0\r\n").map_or(body, |(b, _)| b)
    } else {
        body
    };
    (status, set_cookie, body.trim_end_matches("\r\n").to_owned())
}

fn start(port: u16, database: &str) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_hovor-server"))
        .args(["--listen", &format!("127.0.0.1:{port}"), "--database", database, "--demo"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("server starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while call(port, "GET", "/api/health", None, None).0 != 200 {
        assert!(Instant::now() < deadline, "no health answer within 60 s");
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

fn wait_for_exit(child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "still running 10 s after the signal");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Opens an event stream (resumed after `after` when given).
fn open_stream(port: u16, path: &str, cookie: &str, after: Option<i64>) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let resume = after.map(|a| format!("Last-Event-ID: {a}\r\n")).unwrap_or_default();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\nCookie: {cookie}\r\n{resume}\r\n").unwrap();
    stream
}

/// The ids of the events a stream delivers within `within`.
fn ids_within(mut stream: TcpStream, within: Duration) -> Vec<i64> {
    stream.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
    let deadline = Instant::now() + within;
    let mut text = String::new();
    let mut buffer = [0u8; 8192];
    while Instant::now() < deadline {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => text.push_str(&String::from_utf8_lossy(&buffer[..n])),
            Err(_) => {}
        }
    }
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    text.lines().filter_map(|l| l.strip_prefix("id: ")).filter_map(|id| id.trim().parse().ok()).collect()
}

/// A customer's chat in queue 1 with three messages; returns the chat cookie and the ids of the
/// events its messages made.
fn chat_with_messages(port: u16) -> (String, Vec<i64>) {
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
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("hovor.db").display());
    let port = free_port();
    let mut server = start(port, &database);
    let (_, agent, _) = call(
        port,
        "POST",
        "/api/session",
        None,
        Some(&json!({"username": "agent1", "password": "hovor-demo"})),
    );
    let agent = agent.expect("session cookie");
    let live = open_stream(port, "/api/events", &agent, None);
    let (customer, _messages) = chat_with_messages(port);
    // What the agent's desk saw live: the chat queued, its messages.
    let seen = ids_within(live, Duration::from_secs(2));
    assert!(seen.len() >= 4, "live agent stream: {seen:?}");
    stop(&mut server);

    let _again = KillOnDrop(start(port, &database));
    let from = seen[0] - 1;
    let agent_ids = ids_within(open_stream(port, "/api/events", &agent, Some(from)), Duration::from_secs(1));
    assert!(
        seen.iter().all(|id| agent_ids.contains(id)),
        "agent stream replayed {agent_ids:?}, saw {seen:?}"
    );
    let customer_ids =
        ids_within(open_stream(port, "/api/chat/events", &customer, Some(from)), Duration::from_secs(1));
    assert!(customer_ids.len() >= 3, "customer stream replayed {customer_ids:?}");
    assert!(customer_ids.iter().all(|id| seen.contains(id)), "the customer's events are the conversation's");
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_resumed_stream_gets_the_stored_events_at_once_after_sigterm() {
    replays_after(|child| {
        assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
        wait_for_exit(child);
    });
}

#[test]
fn a_resumed_stream_gets_the_stored_events_at_once_after_kill_9() {
    replays_after(|child| {
        child.kill().unwrap();
        wait_for_exit(child);
    });
}
