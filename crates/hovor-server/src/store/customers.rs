//! The customer card of a conversation: its contact and account, and what the conversation itself
//! learned about an unknown customer; setting and unlinking the contact.

use crate::db::{Conn, Flag};
use hovor_types::audit::AuditedRecord;
use hovor_types::customer::{CustomerCard, KnownCustomer};

use super::audit::{self, Edit};
use super::conversations::ConversationRow;
use super::{accounts, contacts};
use crate::error::AppResult;

pub async fn card(conn: &mut Conn, c: &ConversationRow) -> AppResult<CustomerCard> {
    let contact = match c.contact_id {
        Some(id) => contacts::load(conn, id).await?,
        None => None,
    };
    let account = match contact.as_ref().and_then(|c| c.account_id) {
        Some(id) => accounts::load(conn, id).await?,
        None => None,
    };
    Ok(CustomerCard { contact, account, known: known(conn, c).await? })
}

/// The name the visitor gave (split at its first space), the email of the chat start, a call's number
/// (for a form, none where the queue protects sensitive data; as shown, its last 4 digits there), the
/// language.
async fn known(conn: &mut Conn, c: &ConversationRow) -> AppResult<KnownCustomer> {
    let name = c.customer_name.as_deref().unwrap_or_default().trim();
    let (first_name, last_name) = name.split_once(' ').unwrap_or((name, ""));
    // The chat start stores the customer's own email as the survey's last answer.
    let email: Option<String> = sqlx::query_scalar(
        "SELECT answer FROM survey_answers WHERE conversation_id = $1 AND question = 'Email' ORDER BY id LIMIT 1",
    )
    .bind(c.id)
    .fetch_optional(&mut *conn)
    .await?;
    let (number, Flag(masked)): (Option<String>, Flag) = sqlx::query_as(
        "SELECT c.caller_number, q.mask_sensitive FROM conversations c JOIN queues q ON q.id = c.queue_id
         WHERE c.id = $1",
    )
    .bind(c.id)
    .fetch_one(&mut *conn)
    .await?;
    let shown_phone =
        number.as_deref().map(|n| if masked { hovor_types::routing::mask_phone(n) } else { n.to_owned() });
    let phone = number.filter(|_| !masked);
    Ok(KnownCustomer {
        first_name: first_name.to_owned(),
        last_name: last_name.trim().to_owned(),
        email,
        phone,
        shown_phone,
        language: Some(c.language.clone()),
    })
}

/// Links the contact (or none) to the conversation and every interaction started from it, with
/// their messages: the timeline reads messages by contact.
pub async fn set_contact(
    conn: &mut Conn,
    conversation_id: i64,
    contact_id: Option<i64>,
    by: Edit,
) -> AppResult<()> {
    if let Some(id) = contact_id {
        contacts::check_linkable(conn, id, "contact_id").await?;
    }
    // Read in the transaction: the caller's copy may be older.
    let old_id: Option<i64> = sqlx::query_scalar("SELECT contact_id FROM conversations WHERE id = $1")
        .bind(conversation_id)
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query(
        "WITH RECURSIVE family(id) AS (
             SELECT $1 UNION SELECT c.id FROM conversations c JOIN family f ON c.parent_id = f.id)
         UPDATE conversations SET contact_id = $2 WHERE id IN (SELECT id FROM family)",
    )
    .bind(conversation_id)
    .bind(contact_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "WITH RECURSIVE family(id) AS (
             SELECT $1 UNION SELECT c.id FROM conversations c JOIN family f ON c.parent_id = f.id)
         UPDATE messages SET contact_id = $2 WHERE conversation_id IN (SELECT id FROM family)",
    )
    .bind(conversation_id)
    .bind(contact_id)
    .execute(&mut *conn)
    .await?;
    if old_id != contact_id {
        let old = match old_id {
            Some(id) => contacts::name(conn, id).await?,
            None => None,
        };
        let new = match contact_id {
            Some(id) => contacts::name(conn, id).await?,
            None => None,
        };
        audit::record(
            conn,
            AuditedRecord::Conversation,
            conversation_id,
            "contact",
            old.as_deref(),
            new.as_deref(),
            by,
        )
        .await?;
    }
    Ok(())
}
