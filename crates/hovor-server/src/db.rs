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
        .pragma("wal_autocheckpoint", "0");
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

/// Copies the write-ahead log into the database file every few seconds, without blocking writers
/// (PASSIVE), until `stop` turns true.
pub async fn checkpoint_regularly(pool: SqlitePool, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(CHECKPOINT_EVERY) => {}
            _ = stop.changed() => return,
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
            tracing::warn!(error = %e, "checkpoint failed; trying again");
        }
    }
}

/// Now, in milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}
