//! Anonymisation and retention. An anonymised chat leaves no trace: not in any read, export or search,
//! not in the database's raw files (SQLite's file and write-ahead log, PostgreSQL's table files and
//! write-ahead segments), not in the server's log; its tombstone keeps the times and the queue.
//! Retention rules counted dry, then applied; each run recorded; only one of two instances runs a
//! scheduled round.

use std::sync::{Arc, Mutex};

use crate::common::{Customer, TestServer};

use axum::http::StatusCode;
use hovor_server::db::{Backend, Pool};
use serde_json::{Value, json};

/// Words only this test's customer wrote: found before anonymisation, nowhere after.
const SECRETS: &[&str] = &[
    "Quibbleworth",
    "xenia.quibble@example.net",
    "PLUMTREE-93817",
    "Zanzibar invoice",
    "+420 777 918 273",
    "Vltavska 1187",
    "Gooseberry compliment",
];

/// Everything the server logs while the test runs.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Log {
    type Writer = Log;
    fn make_writer(&'a self) -> Log {
        self.clone()
    }
}

/// The database's raw files: SQLite's file, its write-ahead log and shared memory; PostgreSQL's files
/// of this database (tables, indexes, TOAST) and the server's write-ahead segments.
async fn raw_files(pool: &Pool) -> Vec<std::path::PathBuf> {
    let in_dir = |dir: std::path::PathBuf| -> Vec<std::path::PathBuf> {
        std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|f| f.unwrap().path())
            .filter(|p| p.is_file())
            .collect()
    };
    match Backend::of(pool) {
        Backend::Sqlite => {
            let file: String =
                sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
                    .fetch_one(pool)
                    .await
                    .unwrap();
            let file = std::path::PathBuf::from(file);
            let files = in_dir(file.parent().unwrap().to_path_buf());
            assert!(files.contains(&file), "the database's own file is searched");
            files
        }
        Backend::Postgres => {
            let data: String = sqlx::query_scalar("SHOW data_directory").fetch_one(pool).await.unwrap();
            let oid: String = sqlx::query_scalar(
                "SELECT CAST(oid AS TEXT) FROM pg_database WHERE datname = current_database()",
            )
            .fetch_one(pool)
            .await
            .unwrap();
            let data = std::path::PathBuf::from(data);
            let mut files = in_dir(data.join("base").join(oid));
            files.extend(in_dir(data.join("pg_wal")));
            files
        }
    }
}

/// The secrets found in `bytes`.
fn secrets_in(bytes: &[u8]) -> Vec<&'static str> {
    SECRETS.iter().copied().filter(|s| bytes.windows(s.len()).any(|w| w == s.as_bytes())).collect()
}

/// Each raw file holding a secret, with the secrets it holds.
async fn traces(pool: &Pool) -> Vec<(String, Vec<&'static str>)> {
    raw_files(pool)
        .await
        .into_iter()
        .filter_map(|path| {
            // A file may go while we look (a recycled segment): what is not there holds nothing.
            let bytes = std::fs::read(&path).ok()?;
            let found = secrets_in(&bytes);
            (!found.is_empty()).then(|| (path.display().to_string(), found))
        })
        .collect()
}

/// The relation a PostgreSQL file holds (its file node is the file's name), to say which table kept a
/// secret; none for SQLite's files and the write-ahead log.
async fn relation(pool: &Pool, file: &str) -> Option<String> {
    let node: i64 = file.rsplit('/').next()?.split(['.', '_']).next()?.parse().ok()?;
    sqlx::query_scalar(
        "SELECT CAST(relname AS TEXT) FROM pg_class WHERE CAST(pg_relation_filenode(oid) AS BIGINT) = $1",
    )
    .bind(node)
    .fetch_optional(pool)
    .await
    .ok()
    .flatten()
}

/// A chat in the first queue carrying every kind of personal data, taken by agent1, ended and
/// wrapped up; its id.
async fn personal_chat(server: &TestServer) -> i64 {
    let queue = server.queue_id(0).await;
    let agent = server.sign_in("agent1").await;
    server.go_available(&agent).await;
    let ids = server.survey_ids(queue).await;
    let start = server
        .start_chat_with(
            queue,
            json!({
                "name": "Xenia Quibbleworth",
                "email": "xenia.quibble@example.net",
                "answers": [
                    {"question_id": ids[0], "answer": "Zanzibar invoice"},
                    {"question_id": ids[2], "answer": "English"},
                ],
                "context": [{"key": "Address", "value": "Vltavska 1187"}],
            }),
        )
        .await;
    assert_eq!(start.status, StatusCode::CREATED, "{}", start.json);
    let customer = Customer::from_start(start);
    let id = customer.conversation_id;
    let accepted = server
        .request("POST", "/api/offers/accept", Some(&agent), Some(json!({"conversation_ids": [id]})))
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.json);
    let wrote = server
        .request(
            "POST",
            "/api/chat/messages",
            Some(&customer.cookie),
            Some(json!({"body": "My code is PLUMTREE-93817, call me on +420 777 918 273"})),
        )
        .await;
    assert_eq!(wrote.status, StatusCode::CREATED, "{}", wrote.json);
    let path = format!("/api/conversations/{id}/messages");
    let answered = server
        .request("POST", &path, Some(&agent), Some(json!({"body": "Thank you, Ms Quibbleworth."})))
        .await;
    assert_eq!(answered.status, StatusCode::CREATED, "{}", answered.json);
    // The agent's contact record of her, with her phone, linked to the chat (audited as it is made).
    let fields = json!({"version": null, "first_name": "Xenia", "last_name": "Quibbleworth", "language": "cs",
        "account_id": null});
    let contact =
        server.request("POST", "/api/contacts", Some(&agent), Some(json!({"fields": fields}))).await;
    assert_eq!(contact.status, StatusCode::CREATED, "{}", contact.json);
    let phone = json!({"version": contact.json["version"], "kind": "phone", "label": "Mobile", "value": "+420 777 918 273"});
    let path = format!("/api/contacts/{}/details", contact.json["id"]);
    let added = server.request("POST", &path, Some(&agent), Some(phone)).await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.json);
    let path = format!("/api/conversations/{id}/contact");
    let linked =
        server.request("PUT", &path, Some(&agent), Some(json!({"contact_id": contact.json["id"]}))).await;
    assert_eq!(linked.status, StatusCode::OK, "{}", linked.json);
    let ended = server.request("POST", &format!("/api/conversations/{id}/end"), Some(&agent), None).await;
    assert!(ended.status.is_success(), "{}", ended.json);
    // Her comment in the post-chat survey.
    let admin = server.sign_in("admin").await;
    let questions = json!({"questions": [{"kind": "comment", "label": "Anything else?", "required": true}]});
    let path = format!("/api/admin/queues/{queue}/feedback");
    let asked = server.request("PUT", &path, Some(&admin), Some(questions)).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.json);
    let replies = json!({"replies": [{"question_id": asked.json["questions"][0]["id"], "comment": "Gooseberry compliment"}]});
    let said = server.request("POST", "/api/chat/feedback", Some(&customer.cookie), Some(replies)).await;
    assert_eq!(said.status, StatusCode::NO_CONTENT, "{}", said.json);
    let reason: i64 = sqlx::query_scalar("SELECT id FROM wrap_up_reasons WHERE queue_id = $1 LIMIT 1")
        .bind(queue)
        .fetch_one(&server.pool)
        .await
        .unwrap();
    let path = format!("/api/conversations/{id}/wrap-up");
    let wrapped = server.request("POST", &path, Some(&agent), Some(json!({"reason_id": reason}))).await;
    assert_eq!(wrapped.status, StatusCode::NO_CONTENT, "{}", wrapped.json);
    id
}

#[tokio::test]
async fn an_anonymised_chat_leaves_no_trace_in_reads_exports_searches_raw_files_or_logs() {
    let log = Log::default();
    let subscriber =
        tracing_subscriber::fmt().with_writer(log.clone()).with_max_level(tracing::Level::TRACE).finish();
    let _logging = tracing::subscriber::set_default(subscriber);
    let server = TestServer::new().await;
    let id = personal_chat(&server).await;
    let admin = server.sign_in("admin").await;
    let before = traces(&server.pool).await;
    let found: std::collections::BTreeSet<&str> =
        before.iter().flat_map(|(_, s)| s.iter().copied()).collect();
    assert_eq!(found.len(), SECRETS.len(), "the search finds every secret while it is stored: {before:?}");

    // Only an administrator may, and only once the interaction is over.
    let supervisor = server.sign_in("supervisor").await;
    let path = format!("/api/interactions/{id}/anonymise");
    assert_eq!(server.request("POST", &path, Some(&supervisor), None).await.status, StatusCode::FORBIDDEN);
    let waiting = server.start_chat(server.queue_id(0).await, "Still waiting").await;
    let active = format!("/api/interactions/{}/anonymise", waiting.conversation_id);
    let refused = server.request("POST", &active, Some(&admin), None).await;
    assert_eq!((refused.status, refused.json["reason"].as_str()), (StatusCode::CONFLICT, Some("not_ended")));

    let done = server.request("POST", &path, Some(&admin), None).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.json);
    let row = &done.json;
    assert_eq!(
        (row["anonymised"].as_bool(), row["title"].as_str(), row["text"].as_str()),
        (Some(true), Some(""), Some(""))
    );
    assert_eq!(row["contact"], Value::Null);
    assert!(row["queue"]["name"].as_str().is_some_and(|q| !q.is_empty()), "the tombstone keeps its queue");
    assert!(row["user"]["name"].as_str().is_some(), "and who handled it");

    // The detail keeps the times and the path; nothing personal.
    let detail = server.request("GET", &format!("/api/interactions/{id}"), Some(&admin), None).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert!(detail.json["activities"].as_array().is_some_and(|a| !a.is_empty()), "{}", detail.json);
    assert!(secrets_in(detail.json.to_string().as_bytes()).is_empty(), "{}", detail.json);
    // Not found by the listing's text search, nor by the directory's.
    let today = "channel=chat&zone=UTC&text=PLUMTREE";
    let listed = server.request("GET", &format!("/api/interactions?{today}"), Some(&admin), None).await;
    assert_eq!(listed.json["rows"], json!([]), "{}", listed.json);
    let directory = server.request("GET", "/api/directory?q=Quibbleworth", Some(&admin), None).await;
    assert!(secrets_in(directory.json.to_string().as_bytes()).is_empty(), "{}", directory.json);
    // The export: the tombstone's row, nothing of her.
    let (status, csv) = server
        .request_bytes("GET", "/api/interactions/export?channel=chat&zone=UTC&format=csv", Some(&admin))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(secrets_in(&csv).is_empty(), "{}", String::from_utf8_lossy(&csv));
    // The contact no other interaction needed is gone with its phone.
    let contacts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM contacts WHERE last_name = 'Quibbleworth'")
        .fetch_one(&server.pool)
        .await
        .unwrap();
    assert_eq!(contacts, 0);
    // The audit says who anonymised it.
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE record = 'conversation' AND record_id = $1 AND field = 'anonymised' AND user_id IS NOT NULL",
    )
    .bind(id)
    .fetch_one(&server.pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);

    // A retention run compacts what was removed (PostgreSQL rewrites the tables); then the raw files.
    let run = server
        .request("POST", "/api/admin/retention/runs", Some(&admin), Some(json!({"dry_run": false})))
        .await;
    assert_eq!(run.status, StatusCode::CREATED, "{}", run.json);
    let mut left = Vec::new();
    for (file, found) in traces(&server.pool).await {
        left.push((relation(&server.pool, &file).await, file, found));
    }
    assert_eq!(left, vec![], "no raw file holds any secret");
    let logged = log.0.lock().unwrap().clone();
    assert!(!logged.is_empty(), "the server's log was captured");
    let leaks: Vec<&str> = String::from_utf8_lossy(&logged)
        .lines()
        .filter(|l| !secrets_in(l.as_bytes()).is_empty())
        .map(str::to_owned)
        .collect::<Vec<_>>()
        .leak()
        .iter()
        .map(String::as_str)
        .collect();
    assert_eq!(leaks, Vec::<&str>::new(), "the log holds no secret");
}

const DAY: i64 = 86_400_000;
/// 2030-01-15 12:00 UTC.
const NOW: i64 = 1_894_708_800_000;

/// An interaction of `queue` on `channel` that ended `days_ago` (active when `None`), with a message.
async fn stored(pool: &Pool, queue: i64, channel: &str, days_ago: Option<i64>) -> i64 {
    let ended = days_ago.map(|d| NOW - d * DAY);
    let at = ended.unwrap_or(NOW) - DAY;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO conversations (queue_id, channel, status, subject, language, queued_at, started_at, ended_at, customer_name)
         VALUES ($1, $2, $3, 'Old matter', 'cs', $4, $4, $5, 'Old Customer') RETURNING id",
    )
    .bind(queue)
    .bind(channel)
    .bind(if ended.is_some() { "ended" } else { "active" })
    .bind(at)
    .bind(ended)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO messages (conversation_id, direction, author, body, at) VALUES ($1, 'inbound', 'Old Customer', 'kept until due', $2)")
        .bind(id)
        .bind(at)
        .execute(pool)
        .await
        .unwrap();
    id
}

/// `(anonymised, exists)` of each interaction.
async fn states(pool: &Pool, ids: &[i64]) -> Vec<(bool, bool)> {
    let mut out = Vec::new();
    for &id in ids {
        let at: Option<Option<i64>> =
            sqlx::query_scalar("SELECT anonymised_at FROM conversations WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await
                .unwrap();
        out.push((at.flatten().is_some(), at.is_some()));
    }
    out
}

#[tokio::test]
async fn retention_counts_dry_then_anonymises_and_deletes_what_is_due_and_records_each_run() {
    let (server, _clock) = TestServer::new().await.with_scripted_clock(NOW);
    let pool = &server.pool;
    let (a, b) = (server.queue_id(0).await, server.queue_id(1).await);
    // Only this test's interactions, so the counts are its own.
    sqlx::query("DELETE FROM conversations").execute(pool).await.unwrap();
    let ids = [
        stored(pool, a, "chat", Some(40)).await,  // due: anonymised
        stored(pool, a, "chat", Some(10)).await,  // too young
        stored(pool, a, "email", Some(40)).await, // no rule for email
        stored(pool, b, "chat", Some(31)).await,  // due: deleted
        stored(pool, b, "chat", None).await,      // still going on: never
    ];
    sqlx::query("INSERT INTO events (at, user_id, payload) VALUES ($1, (SELECT MIN(id) FROM users), '{}')")
        .bind(NOW - 8 * DAY)
        .execute(pool)
        .await
        .unwrap();
    let admin = server.sign_in("admin").await;
    let supervisor = server.sign_in("supervisor").await;

    // The rules: checked on the server as in the app, each fault named.
    let rule = |queue: i64, action: &str, days: i64| json!({"queue_id": queue, "channel": "chat", "action": action, "after_days": days});
    let path = "/api/admin/retention/rules";
    let refused = server
        .request("PUT", path, Some(&supervisor), Some(json!({"rules": [rule(a, "anonymise", 30)]})))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let zero = server
        .request(
            "PUT",
            path,
            Some(&admin),
            Some(json!({"rules": [rule(a, "anonymise", 30), rule(b, "delete", 0)]})),
        )
        .await;
    assert_eq!(
        (zero.status, zero.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("rules.1.after_days"))
    );
    let unknown =
        server.request("PUT", path, Some(&admin), Some(json!({"rules": [rule(999_999, "delete", 5)]}))).await;
    assert_eq!(unknown.json["field"], "rules.0.queue_id", "{}", unknown.json);
    let set = server
        .request(
            "PUT",
            path,
            Some(&admin),
            Some(json!({"rules": [rule(a, "anonymise", 30), rule(b, "delete", 30)]})),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.json);
    assert_eq!(server.request("GET", path, Some(&admin), None).await.json, set.json);

    // Dry: counted, nothing changed.
    let runs = "/api/admin/retention/runs";
    let dry = server.request("POST", runs, Some(&admin), Some(json!({"dry_run": true}))).await;
    assert_eq!(dry.status, StatusCode::CREATED, "{}", dry.json);
    assert_eq!(
        (dry.json["anonymised"].as_u64(), dry.json["deleted"].as_u64()),
        (Some(1), Some(1)),
        "{}",
        dry.json
    );
    assert!(dry.json["events"].as_u64().is_some_and(|n| n >= 1), "{}", dry.json);
    assert_eq!(states(pool, &ids).await, vec![(false, true); 5]);

    // Real: the due chat of A anonymised, the due chat of B deleted, the rest untouched.
    let real = server.request("POST", runs, Some(&admin), Some(json!({"dry_run": false}))).await;
    assert_eq!(
        (real.json["anonymised"].as_u64(), real.json["deleted"].as_u64()),
        (Some(1), Some(1)),
        "{}",
        real.json
    );
    assert_eq!(
        states(pool, &ids).await,
        vec![(true, true), (false, true), (false, true), (false, false), (false, true)]
    );
    let old_events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE at < $1")
        .bind(NOW - 7 * DAY)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(old_events, 0, "events no stream needs are gone");
    let again = server.request("POST", runs, Some(&admin), Some(json!({"dry_run": false}))).await;
    assert_eq!((again.json["anonymised"].as_u64(), again.json["deleted"].as_u64()), (Some(0), Some(0)));

    // Each run is on record, newest first, with who asked.
    let listed = server.request("GET", runs, Some(&admin), None).await.json;
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 3);
    let flags: Vec<bool> = listed.iter().map(|r| r["dry_run"].as_bool().unwrap()).collect();
    assert_eq!(flags, [false, false, true]);
    assert!(listed.iter().all(|r| r["user"].as_str().is_some()), "{listed:?}");
    assert_eq!(server.request("GET", runs, Some(&supervisor), None).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn of_two_instances_on_one_database_exactly_one_runs_each_scheduled_round() {
    let database = crate::database::TestDatabase::new();
    let first = TestServer::on(&database.url, true).await;
    let second = hovor_server::db::connect(&database.url).await.unwrap();
    let every = 24 * 3_600_000;
    for round in 0..5 {
        let now = NOW + round * every;
        let (a, b) = tokio::join!(
            hovor_server::store::retention::claim(&first.pool, now, every),
            hovor_server::store::retention::claim(&second, now, every),
        );
        assert!(a.unwrap() ^ b.unwrap(), "round {round}: one instance claims it, never both or none");
        let early = hovor_server::store::retention::claim(&second, now + every - 1, every).await.unwrap();
        assert!(!early, "nobody runs before the next round is due");
    }
}
