//! The real binary: starts on a free port, answers health, stops cleanly on SIGTERM, and a second start
//! keeps the database instead of filling the demo again.

use crate::binary;

use std::io::Read;

use binary::{call, free_port, open_stream, sign_in, start, stop};

#[test]
fn starts_serves_stops_on_sigterm_and_keeps_its_database() {
    let test_database = crate::database::TestDatabase::new();
    let database = test_database.url.clone();
    let port = free_port();

    let mut server = start(port, &database);
    let (status, _, openapi) = call(port, "GET", "/api/openapi.json", None, None);
    assert!(status == 200 && openapi.contains("\"/api/tasks\""), "{status}");
    let (status, _, _) = call(port, "GET", "/api/tasks", None, None);
    assert_eq!(status, 401);
    // SIGTERM with an event stream open: the stream is ended, the process exits cleanly.
    let mut stream = open_stream(port, "/api/events", &sign_in(port, "agent1"), None);
    let mut head = [0u8; 64];
    let n = stream.read(&mut head).unwrap();
    assert!(String::from_utf8_lossy(&head[..n]).starts_with("HTTP/1.1 200"));
    stop(&mut server);
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

    let mut again = start(port, &database);
    stop(&mut again);
    assert_eq!(users(), 10, "a second start keeps the database and does not fill it again");
}
