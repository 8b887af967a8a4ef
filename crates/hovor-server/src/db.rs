//! Opening the database: SQLite in WAL mode with full sync, migrated on start.

use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub async fn connect(url: &str) -> anyhow::Result<SqlitePool> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
        // Checkpoints run in the background (`checkpoint_regularly`), not inside whichever commit
        // crosses the threshold: that commit would wait for the database file's fsync.
        .pragma("wal_autocheckpoint", "0")
        // When the log restarts, it is cut back to this size rather than kept at its largest.
        .pragma("journal_size_limit", WAL_LIMIT_BYTES.to_string());
    let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    fill_search_keys(&pool).await?;
    Ok(pool)
}

/// Computes the search keys of rows that have none (rows from before keys existed): SQL cannot fold
/// text, so the migration leaves them empty.
pub async fn fill_search_keys(pool: &SqlitePool) -> anyhow::Result<()> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
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

/// Copies the write-ahead log into the database file every few seconds until `stop` turns true.
///
/// PASSIVE never waits for anyone, but it never shortens the log either: with streams reading all the
/// time, SQLite seldom finds the moment to start the log over, and the file keeps its largest size.
/// So once the log holds more than [`WAL_LIMIT_BYTES`], a TRUNCATE follows: it waits for the readers
/// of older snapshots (queries of milliseconds), copies the few frames PASSIVE left, and cuts the file.
pub async fn checkpoint_regularly(pool: SqlitePool, mut stop: tokio::sync::watch::Receiver<bool>) {
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
pub async fn checkpoint(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    let (_busy, frames, _copied): (i64, i64, i64) =
        sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)").fetch_one(pool).await?;
    let page_size: i64 = sqlx::query_scalar("PRAGMA page_size").fetch_one(pool).await?;
    if frames * page_size > WAL_LIMIT_BYTES {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(pool).await?;
    }
    Ok(())
}

/// Now, in milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}
