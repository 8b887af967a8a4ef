//! The database: SQLite (one process, the embedded default) or PostgreSQL (one or several processes).
//!
//! The store writes its SQL once, in the dialect both understand (`$1` parameters, `ON CONFLICT`,
//! `RETURNING`, integer flags). What still differs lives here: how a connection is set up, which
//! migrations run, and how a writer takes the single writer's place. The PostgreSQL schema also
//! defines the few SQLite functions the store uses (`json_each`, `instr`, `json_array_length`).

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Executor, Transaction};

pub use flag::Flag;

pub type Db = sqlx::Any;
pub type Pool = sqlx::AnyPool;
pub type Conn = sqlx::AnyConnection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> anyhow::Result<Backend> {
        match url.split(':').next().unwrap_or_default() {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            other => anyhow::bail!("--database must be a sqlite:// or postgres:// URL, not {other}:"),
        }
    }

    pub fn of(pool: &Pool) -> Backend {
        match pool.connect_options().database_url.scheme() {
            "sqlite" => Backend::Sqlite,
            _ => Backend::Postgres,
        }
    }
}

/// Every writer holds this PostgreSQL advisory lock for its transaction, as SQLite's writer holds the
/// file's: changes commit one after another, across every Hovor process on the database, so event ids
/// commit in order and a read-then-write never races another instance.
const WRITER_LOCK: i64 = 0x0048_6f76_6f72; // "Hovor" in ASCII

pub async fn connect(url: &str) -> anyhow::Result<Pool> {
    sqlx::any::install_default_drivers();
    let pool = match Backend::of_url(url)? {
        Backend::Sqlite => {
            let url = if url.contains("mode=") || url.contains(":memory:") {
                url.to_owned()
            } else {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            };
            let options = AnyConnectOptions::from_str(&url)?;
            let pool = AnyPoolOptions::new()
                .max_connections(8)
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        let settings =
                            format!("{SQLITE_SETTINGS} PRAGMA journal_size_limit = {WAL_LIMIT_BYTES};");
                        conn.execute(sqlx::AssertSqlSafe(settings)).await.map(|_| ())
                    })
                })
                .connect_with(options)
                .await?;
            sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
            pool
        }
        Backend::Postgres => {
            let options = AnyConnectOptions::from_str(url)?;
            let pool = AnyPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            // sqlx holds an advisory lock while it migrates: instances starting together take turns.
            sqlx::migrate!("./migrations/postgres").run(&pool).await?;
            pool
        }
    };
    fill_search_keys(&pool).await?;
    Ok(pool)
}

/// Each SQLite connection: write-ahead log with full sync, foreign keys, and a wait for the writer lock.
const SQLITE_SETTINGS: &str = concat!(
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
    // Removed rows are overwritten with zeros in the file: anonymised data is gone, not just unlinked.
    "PRAGMA secure_delete = ON;",
    // Checkpoints run in the background (`checkpoint_regularly`), not inside whichever commit crosses the
    // threshold: that commit would wait for the database file's fsync.
    // When the log restarts, it is cut back to WAL_LIMIT_BYTES (added per connection) rather than kept
    // at its largest.
    "PRAGMA wal_autocheckpoint = 0;",
);

/// Opens a writer's transaction: SQLite's `BEGIN IMMEDIATE`, or PostgreSQL's `BEGIN` and the writer
/// lock. Either way a change that reads and then writes cannot fail halfway because another writer
/// took the lock in between.
pub async fn begin_write(pool: &Pool) -> Result<Transaction<'static, Db>, sqlx::Error> {
    match Backend::of(pool) {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
        Backend::Postgres => {
            let mut tx = pool.begin().await?;
            sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(WRITER_LOCK).execute(&mut *tx).await?;
            Ok(tx)
        }
    }
}

/// Computes the search keys of rows that have none (rows from before keys existed): SQL cannot fold
/// text, so the migration leaves them empty.
pub async fn fill_search_keys(pool: &Pool) -> anyhow::Result<()> {
    let mut tx = begin_write(pool).await?;
    crate::store::directory::fill_missing_keys(&mut tx)
        .await
        .map_err(|e| anyhow::anyhow!("search keys: {e:?}"))?;
    tx.commit().await?;
    Ok(())
}

/// How often the write-ahead log is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(2);
/// The write-ahead log is truncated once it holds more than this.
pub const WAL_LIMIT_BYTES: i64 = 16 * 1024 * 1024;

/// Copies SQLite's write-ahead log into the database file every few seconds until `stop` turns true
/// (PostgreSQL checkpoints by itself).
///
/// PASSIVE never waits for anyone, but it never shortens the log either: with streams reading all the
/// time, SQLite seldom finds the moment to start the log over, and the file keeps its largest size.
/// So once the log holds more than [`WAL_LIMIT_BYTES`], a TRUNCATE follows: it waits for the readers
/// of older snapshots (queries of milliseconds), copies the few frames PASSIVE left, and cuts the file.
pub async fn checkpoint_regularly(pool: Pool, mut stop: tokio::sync::watch::Receiver<bool>) {
    if Backend::of(&pool) != Backend::Sqlite {
        return;
    }
    loop {
        tokio::select! {
            _ = tokio::time::sleep(CHECKPOINT_EVERY) => {}
            _ = stop.changed() => return,
        }
        if let Err(e) = checkpoint(&pool).await {
            tracing::warn!(error = %e, "checkpoint failed; trying again");
        }
    }
}

/// One round: PASSIVE, then TRUNCATE when the log has grown past its limit.
pub async fn checkpoint(pool: &Pool) -> Result<(), sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let (_busy, frames, _copied): (i64, i64, i64) =
        sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)").fetch_one(&mut *conn).await?;
    let page_size: i64 = sqlx::query_scalar("PRAGMA page_size").fetch_one(&mut *conn).await?;
    if frames * page_size > WAL_LIMIT_BYTES {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut *conn).await?;
    }
    Ok(())
}

/// How thoroughly [`erase_removed`] works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Erase {
    /// Right after a removal: SQLite cuts its write-ahead log, which still holds the rows as they were.
    Now,
    /// A retention run: PostgreSQL also rewrites the tables rows were removed from (`VACUUM FULL`;
    /// a plain vacuum leaves the old bytes in the pages) and moves to a new write-ahead segment, so the
    /// old ones can go (they are deleted rather than reused where `wal_recycle` is off).
    Compact,
}

/// The tables an anonymisation or deletion removes rows from, which PostgreSQL compacts.
const ERASED_TABLES: &str = "messages, emails, conversations, survey_answers, feedback_answers, self_service_actions, drafts, notes, \
     conversation_parameters, call_values, recordings, whispers, invitations, callbacks, events, audit_log, \
     activities, translations, response_uses, contacts, contact_points, addresses, merges";

/// Makes removed rows unreadable in the database's files, not only in its tables. SQLite's pages are
/// overwritten as rows go (`secure_delete`); what is left is the write-ahead log, cut here once its
/// readers let go (tried a few times). False when something kept it from finishing: the caller tries
/// again later.
pub async fn erase_removed(pool: &Pool, how: Erase) -> Result<bool, sqlx::Error> {
    match Backend::of(pool) {
        Backend::Sqlite => {
            let mut conn = pool.acquire().await?;
            for _ in 0..20 {
                let (busy, _, _): (i64, i64, i64) =
                    sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)").fetch_one(&mut *conn).await?;
                if busy == 0 {
                    return Ok(true);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            tracing::warn!("the write-ahead log was busy: removed rows stay in it until the next try");
            Ok(false)
        }
        Backend::Postgres if how == Erase::Compact => {
            let mut conn = pool.acquire().await?;
            let complete = older_snapshots_gone(&mut conn).await?;
            let vacuum = format!("VACUUM FULL {ERASED_TABLES}");
            conn.execute(sqlx::AssertSqlSafe(vacuum)).await?;
            // Needs the server's pg_checkpoint role and EXECUTE on pg_switch_wal; without them the
            // segments age out at PostgreSQL's own pace.
            for step in ["CHECKPOINT", "SELECT CAST(pg_switch_wal() AS TEXT)", "CHECKPOINT"] {
                if let Err(e) = conn.execute(step).await {
                    tracing::warn!(error = %e, "removed rows stay in the write-ahead log until it is recycled");
                    break;
                }
            }
            Ok(complete)
        }
        Backend::Postgres => Ok(true),
    }
}

/// The longest a compaction waits for older snapshots.
const SNAPSHOTS_WAIT: Duration = Duration::from_secs(60);

/// Waits (at most [`SNAPSHOTS_WAIT`]) until no other session holds a snapshot taken before now, or a
/// transaction begun before now (between its statements it holds no snapshot but still counts):
/// `VACUUM FULL` copies a removed row that such a snapshot could still see (an autovacuum's ANALYZE,
/// a long report, another database's rewrite), and the copy would keep the removed data in the file.
/// Sessions of every database count: some hold back the horizon of all of them.
async fn older_snapshots_gone(conn: &mut sqlx::pool::PoolConnection<Db>) -> Result<bool, sqlx::Error> {
    let now: String =
        sqlx::query_scalar("SELECT CAST(pg_current_xact_id() AS TEXT)").fetch_one(&mut **conn).await?;
    // xid8 to the 32-bit xid sessions report.
    let now = (now.parse::<u64>().unwrap_or(0) % (1 << 32)).to_string();
    let waiting = std::time::Instant::now();
    loop {
        let Flag(older) = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity
                            WHERE pid <> pg_backend_pid()
                              AND (age(backend_xmin) >= age(CAST($1 AS xid))
                                   OR age(backend_xid) >= age(CAST($1 AS xid))))",
        )
        .bind(&now)
        .fetch_one(&mut **conn)
        .await?;
        if !older {
            return Ok(true);
        }
        if waiting.elapsed() > SNAPSHOTS_WAIT {
            tracing::warn!(
                "an older snapshot stayed open: rows it could see stay in the files until the next run"
            );
            return Ok(false);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The moment a change is stamped with: the system's clock, or a scripted one (tests of rules that
/// depend on the date, such as a callback's window across a daylight-saving change).
#[derive(Clone, Default)]
pub struct Clock(Option<std::sync::Arc<std::sync::atomic::AtomicI64>>);

impl Clock {
    /// A clock that shows `at` until it is [`set`](Self::set) again.
    pub fn scripted(at: i64) -> Clock {
        Clock(Some(std::sync::Arc::new(std::sync::atomic::AtomicI64::new(at))))
    }

    pub fn set(&self, at: i64) {
        if let Some(time) = &self.0 {
            time.store(at, std::sync::atomic::Ordering::Relaxed);
        }
    }

    pub fn now(&self) -> i64 {
        self.0.as_ref().map_or_else(now_ms, |time| time.load(std::sync::atomic::Ordering::Relaxed))
    }
}

/// Now, in milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

mod flag {
    use sqlx::any::{AnyTypeInfo, AnyTypeInfoKind, AnyValueRef};
    use sqlx::error::BoxDynError;
    use sqlx::{Decode, Type, ValueRef};

    use super::Db;

    /// A yes/no the database computed or stored: PostgreSQL answers conditions (`EXISTS`, `=`) with a
    /// boolean, SQLite with 0 or 1, and flags are stored as 0 or 1 on both.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Flag(pub bool);

    impl Type<Db> for Flag {
        fn type_info() -> AnyTypeInfo {
            <bool as Type<Db>>::type_info()
        }
        fn compatible(ty: &AnyTypeInfo) -> bool {
            matches!(
                ty.kind(),
                AnyTypeInfoKind::Bool
                    | AnyTypeInfoKind::SmallInt
                    | AnyTypeInfoKind::Integer
                    | AnyTypeInfoKind::BigInt
            )
        }
    }

    impl<'r> Decode<'r, Db> for Flag {
        fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
            if value.type_info().kind() == AnyTypeInfoKind::Bool {
                Ok(Flag(<bool as Decode<Db>>::decode(value)?))
            } else {
                Ok(Flag(<i64 as Decode<Db>>::decode(value)? != 0))
            }
        }
    }

    impl From<Flag> for bool {
        fn from(flag: Flag) -> bool {
            flag.0
        }
    }
}
