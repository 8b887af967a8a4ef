//! The administrator's translations of configured texts (see `hovor_types::translation`).

use hovor_types::translation::{Translation, Translations};

use crate::db::Conn;
use crate::error::AppResult;

/// Every translation into `language`.
pub async fn for_language(conn: &mut Conn, language: &str) -> AppResult<Translations> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT source, text FROM translations WHERE language = $1")
            .bind(language)
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows.into_iter().collect())
}

/// Sets a translation, validated already; a second one for the same text and language replaces it.
pub async fn set(conn: &mut Conn, t: &Translation) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO translations (source, language, text) VALUES ($1, $2, $3)
         ON CONFLICT (source, language) DO UPDATE SET text = excluded.text",
    )
    .bind(&t.source)
    .bind(&t.language)
    .bind(&t.text)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
