//! The real binary, for tests that start, stop and kill it: a free port, the server on a database,
//! raw HTTP/1.1 requests and event streams.

#![allow(dead_code)] // each test file uses its own part of this

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// One request; returns the status line's code, the `Set-Cookie` value (name=value) and the body.
pub fn call(
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

/// Starts the server with the demo on `database` and waits for its health answer.
pub fn start(port: u16, database: &str) -> Child {
    start_with(port, database, &[])
}

/// Starts the server with the demo on `database` and more flags, and waits for its health answer.
pub fn start_with(port: u16, database: &str, flags: &[&str]) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_hovor-server"))
        .args(["--listen", &format!("127.0.0.1:{port}"), "--database", database, "--demo"])
        .args(flags)
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

/// Sends SIGTERM and waits for a clean exit.
pub fn stop(child: &mut Child) {
    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    wait_for_exit(child);
    let exit = child.wait().unwrap();
    assert!(exit.success(), "exit after SIGTERM: {exit}");
}

/// Waits for the process to exit, at most 10 s.
pub fn wait_for_exit(child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "still running 10 s after the signal");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Opens an event stream (resumed after `after` when given).
pub fn open_stream(port: u16, path: &str, cookie: &str, after: Option<i64>) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let resume = after.map(|a| format!("Last-Event-ID: {a}\r\n")).unwrap_or_default();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\nCookie: {cookie}\r\n{resume}\r\n").unwrap();
    stream
}

/// Signs a demo user in; the session cookie as `name=value`.
pub fn sign_in(port: u16, username: &str) -> String {
    let body = serde_json::json!({"username": username, "password": "hovor-demo"});
    let (status, cookie, answer) = call(port, "POST", "/api/session", None, Some(&body));
    assert_eq!(status, 200, "{answer}");
    cookie.expect("session cookie")
}

/// Kills the server when the test ends, passed or not.
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// An event stream read a little at a time: the ids it delivered so far, and whether it ended.
pub struct EventIds {
    stream: TcpStream,
    pub text: String,
    pub ended: bool,
}

impl EventIds {
    pub fn new(stream: TcpStream) -> EventIds {
        stream.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
        EventIds { stream, text: String::new(), ended: false }
    }

    pub fn ids(&self) -> Vec<i64> {
        self.text
            .lines()
            .filter_map(|l| l.strip_prefix("id: "))
            .filter_map(|id| id.trim().parse().ok())
            .collect()
    }

    /// Reads until the answer's head has arrived: from then on the stream's cursor is set, and every
    /// event committed later reaches it.
    pub fn established(&mut self, within: Duration) {
        self.read_until_text(within, |text| text.contains("\r\n\r\n"));
        assert!(self.text.starts_with("HTTP/1.1 200"), "{}", self.text);
    }

    /// Reads until `done` holds, the stream ends, or `within` passes.
    pub fn read_until(&mut self, within: Duration, done: impl Fn(&[i64]) -> bool) {
        self.read_until_text(within, |text| done(&ids_in(text)));
    }

    /// Reads until the text holds `done`, the stream ends, or `within` passes.
    pub fn read_until_text(&mut self, within: Duration, done: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + within;
        let mut buffer = [0u8; 8192];
        while !self.ended && Instant::now() < deadline && !done(&self.text) {
            match self.stream.read(&mut buffer) {
                Ok(0) => self.ended = true,
                Ok(n) => self.text.push_str(&String::from_utf8_lossy(&buffer[..n])),
                Err(e)
                    if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
                Err(_) => self.ended = true,
            }
        }
    }
}

/// The ids of the events in a stream's text.
fn ids_in(text: &str) -> Vec<i64> {
    text.lines().filter_map(|l| l.strip_prefix("id: ")).filter_map(|id| id.trim().parse().ok()).collect()
}
