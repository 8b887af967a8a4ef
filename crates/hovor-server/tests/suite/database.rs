//! A fresh, empty database for one test, on the backend the suite runs on: a SQLite file in a
//! temporary folder, or, when `HOVOR_TEST_POSTGRES` names a PostgreSQL server, a database of its own
//! there (dropped when the test ends). `scripts/test.sh` runs the suite once on each.

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};

use hovor_server::db::{Backend, Pool};

pub struct TestDatabase {
    pub url: String,
    place: Place,
}

enum Place {
    File(tempfile::TempDir),
    Postgres { server: String, name: String },
}

/// The PostgreSQL server the suite runs on, if any.
pub fn postgres_server() -> Option<String> {
    std::env::var("HOVOR_TEST_POSTGRES").ok().filter(|url| !url.is_empty())
}

/// The suite's PostgreSQL server, or the project's test cluster (`scripts/postgres.sh`, started here
/// when it is not running): tests of several instances need PostgreSQL whatever the suite runs on.
pub fn postgres_server_or_start() -> String {
    postgres_server().unwrap_or_else(|| {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/postgres.sh");
        let out = std::process::Command::new(script)
            .args(["start", "test"])
            .env("HOVOR_PG_THROWAWAY", "1")
            .output()
            .expect("scripts/postgres.sh runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    })
}

impl TestDatabase {
    pub fn new() -> TestDatabase {
        TestDatabase::on(postgres_server())
    }

    /// A fresh database on PostgreSQL, for tests of several instances.
    pub fn postgres() -> TestDatabase {
        TestDatabase::on(Some(postgres_server_or_start()))
    }

    fn on(postgres: Option<String>) -> TestDatabase {
        match postgres {
            None => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("hovor.db").display());
                TestDatabase { url, place: Place::File(dir) }
            }
            Some(server) => {
                static NEXT: AtomicUsize = AtomicUsize::new(0);
                let name =
                    format!("hovor_test_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
                admin(&server, &format!("CREATE DATABASE {name}"));
                let url = match server.rsplit_once('/') {
                    Some((base, _)) => format!("{base}/{name}"),
                    None => panic!("HOVOR_TEST_POSTGRES must end in /<database>"),
                };
                TestDatabase { url, place: Place::Postgres { server, name } }
            }
        }
    }

    pub fn backend(&self) -> Backend {
        Backend::of_url(&self.url).expect("a known backend")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Place::Postgres { server, name } = &self.place {
            admin(server, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// Runs one statement on the server's own database, from a thread of its own: it is called from
/// synchronous code and from `Drop` inside a test's runtime alike.
fn admin(server: &str, statement: &str) {
    let (server, statement) = (server.to_owned(), statement.to_owned());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            use sqlx::Connection;
            sqlx::any::install_default_drivers();
            let mut conn = sqlx::AnyConnection::connect(&server).await.expect("the test PostgreSQL server");
            sqlx::raw_sql(sqlx::AssertSqlSafe(statement.clone()))
                .execute(&mut conn)
                .await
                .expect("admin statement");
            conn.close().await.ok();
        })
    })
    .join()
    .expect("admin thread");
}

/// "ok" when every table of the database can be read through: SQLite's integrity check, or on
/// PostgreSQL (whose write-ahead log makes a crash safe by design) a full read of each table.
pub async fn integrity(pool: &Pool) -> String {
    match Backend::of(pool) {
        Backend::Sqlite => sqlx::query_scalar("PRAGMA integrity_check").fetch_one(pool).await.unwrap(),
        Backend::Postgres => {
            let tables: Vec<String> =
                sqlx::query_scalar("SELECT tablename::TEXT FROM pg_tables WHERE schemaname = 'public'")
                    .fetch_all(pool)
                    .await
                    .unwrap();
            for table in tables {
                let sql = format!("SELECT count(*) FROM {table}");
                let _: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(pool).await.unwrap();
            }
            "ok".to_owned()
        }
    }
}
