//! The real binary: starts on a free port, answers health, stops cleanly on SIGTERM, and a second start
//! keeps the database instead of filling the demo again.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    Some(answer)
}

fn start(port: u16, database: &str) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_hovor-server"))
        .args(["--listen", &format!("127.0.0.1:{port}"), "--database", database, "--demo"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("server starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !get(port, "/api/health").is_some_and(|a| a.starts_with("HTTP/1.1 200")) {
        assert!(Instant::now() < deadline, "no health answer within 60 s");
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

fn stop(mut child: Child) {
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(exit) = child.try_wait().unwrap() {
            assert!(exit.success(), "exit after SIGTERM: {exit}");
            return;
        }
        assert!(Instant::now() < deadline, "still running 10 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Signs in as agent1 and opens `GET /api/events`; returns the open connection.
fn open_event_stream(port: u16) -> TcpStream {
    let body = r#"{"username":"agent1","password":"hovor-demo"}"#;
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "POST /api/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let cookie = answer
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .expect("session cookie")
        .to_owned();
    let mut events = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(events, "GET /api/events HTTP/1.1\r\nHost: localhost\r\nCookie: {cookie}\r\n\r\n").unwrap();
    let mut head = [0u8; 64];
    let n = events.read(&mut head).unwrap();
    assert!(String::from_utf8_lossy(&head[..n]).starts_with("HTTP/1.1 200"));
    events
}

#[test]
fn starts_serves_stops_on_sigterm_and_keeps_its_database() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("hovor.db").display());
    let port = free_port();

    let server = start(port, &database);
    let openapi = get(port, "/api/openapi.json").unwrap();
    assert!(openapi.contains("\"/api/tasks\""));
    let protected = get(port, "/api/tasks").unwrap();
    assert!(protected.starts_with("HTTP/1.1 401"), "{protected}");
    // SIGTERM with an event stream open: the stream is ended, the process exits cleanly.
    let stream = open_event_stream(port);
    stop(server);
    drop(stream);

    let users = || -> i64 {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let pool = hovor_server::db::connect(&database).await.unwrap();
            let n = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&pool).await.unwrap();
            pool.close().await;
            n
        })
    };
    assert_eq!(users(), 10, "agent1 … agent8, supervisor and admin");

    let again = start(port, &database);
    stop(again);
    assert_eq!(users(), 10, "a second start keeps the database and does not fill it again");
}
