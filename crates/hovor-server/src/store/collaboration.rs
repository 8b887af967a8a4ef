//! Invitations and collaborators in the database. Only colleagues of the conversation's queue take
//! part: they already see its conversations, and their desks already receive its events.

use crate::db::{Conn, Flag, Pool};
use hovor_types::collaboration::{Collaborator, Colleague, Invitation, InvitationStatus};
use hovor_types::error::Reason;
use hovor_types::event::ServerEvent;

use super::conversations::bad_value;
use crate::change::Change;
use crate::error::{AppError, AppResult};
use crate::hub::Audience;

/// Members of the conversation's queue other than `me`, by name.
pub async fn colleagues(pool: &Pool, conversation_id: i64, me: i64) -> AppResult<Vec<Colleague>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT u.id, u.display_name FROM conversations c JOIN queue_members m ON m.queue_id = c.queue_id
         JOIN users u ON u.id = m.user_id WHERE c.id = $1 AND u.id <> $2 ORDER BY u.display_name",
    )
    .bind(conversation_id)
    .bind(me)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(id, name)| Colleague { id, name }).collect())
}

async fn is_colleague(conn: &mut Conn, conversation_id: i64, user_id: i64) -> AppResult<bool> {
    let Flag(is) = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM conversations c JOIN queue_members m ON m.queue_id = c.queue_id
                        WHERE c.id = $1 AND m.user_id = $2)",
    )
    .bind(conversation_id)
    .bind(user_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(is)
}

macro_rules! invitation_columns {
    () => {
        "SELECT i.id, i.conversation_id, c.subject, o.display_name AS owner, i.invitee_id, u.display_name AS invitee,
                i.message, i.status, i.proposal, i.created_at, i.updated_at, i.owner_id
         FROM invitations i JOIN conversations c ON c.id = i.conversation_id
         JOIN users o ON o.id = i.owner_id JOIN users u ON u.id = i.invitee_id "
    };
}

#[derive(sqlx::FromRow)]
struct InvitationRow {
    id: i64,
    conversation_id: i64,
    subject: Option<String>,
    owner: String,
    invitee_id: i64,
    invitee: String,
    message: String,
    status: String,
    proposal: Option<String>,
    created_at: i64,
    updated_at: i64,
    owner_id: i64,
}

impl InvitationRow {
    fn into_invitation(self) -> AppResult<Invitation> {
        Ok(Invitation {
            id: self.id,
            conversation_id: self.conversation_id,
            subject: self.subject,
            owner: self.owner,
            invitee_id: self.invitee_id,
            invitee: self.invitee,
            message: self.message,
            status: InvitationStatus::parse(&self.status).ok_or_else(|| bad_value("status", &self.status))?,
            proposal: self.proposal,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// The conversation's invitations, oldest first.
pub async fn of_conversation(pool: &Pool, conversation_id: i64) -> AppResult<Vec<Invitation>> {
    let rows: Vec<InvitationRow> =
        sqlx::query_as(concat!(invitation_columns!(), "WHERE i.conversation_id = $1 ORDER BY i.id"))
            .bind(conversation_id)
            .fetch_all(pool)
            .await?;
    rows.into_iter().map(InvitationRow::into_invitation).collect()
}

/// The user's invitations to help: open ones, on conversations still going, newest first.
pub async fn of_invitee(pool: &Pool, user_id: i64) -> AppResult<Vec<Invitation>> {
    let rows: Vec<InvitationRow> = sqlx::query_as(concat!(
        invitation_columns!(),
        "WHERE i.invitee_id = $1 AND i.status <> 'declined' AND c.status = 'active' ORDER BY i.id DESC"
    ))
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(InvitationRow::into_invitation).collect()
}

async fn one(conn: &mut Conn, id: i64) -> AppResult<Option<InvitationRow>> {
    Ok(sqlx::query_as(concat!(invitation_columns!(), "WHERE i.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// The people of an invitation hear that it changed: whoever handles the conversation now (after a
/// transfer, not only who sent it), the sender and the invitee.
async fn changed(change: &mut Change, row: &InvitationRow) -> AppResult<()> {
    let handler: Option<i64> = sqlx::query_scalar("SELECT agent_id FROM conversations WHERE id = $1")
        .bind(row.conversation_id)
        .fetch_one(&mut **change)
        .await?;
    let mut users = vec![row.owner_id, row.invitee_id];
    if let Some(handler) = handler.filter(|h| !users.contains(h)) {
        users.push(handler);
    }
    let event =
        ServerEvent::InvitationChanged { invitation_id: row.id, conversation_id: row.conversation_id };
    for user in users {
        change.emit(Audience::User(user), event.clone()).await?;
    }
    Ok(())
}

/// New invitation from the owner to a colleague of the queue; one open invitation per colleague.
pub async fn invite(
    change: &mut Change,
    conversation_id: i64,
    owner: i64,
    invitee: i64,
    message: &str,
) -> AppResult<Invitation> {
    if invitee == owner || !is_colleague(change, conversation_id, invitee).await? {
        return Err(
            hovor_types::error::FieldError::new("invitee_id", hovor_types::error::Rule::NotAnOption).into()
        );
    }
    let now = change.now;
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO invitations (conversation_id, owner_id, invitee_id, message, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'pending', $5, $6) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(conversation_id)
    .bind(owner)
    .bind(invitee)
    .bind(message)
    .bind(now)
    .bind(now)
    .fetch_optional(&mut **change)
    .await?;
    let id = id.ok_or(AppError::Conflict(Reason::AlreadyInvited))?;
    let row = one(change, id).await?.ok_or(AppError::NotFound)?;
    changed(change, &row).await?;
    row.into_invitation()
}

/// Delete by the owner.
pub async fn delete(change: &mut Change, conversation_id: i64, id: i64) -> AppResult<()> {
    let row =
        one(change, id).await?.filter(|r| r.conversation_id == conversation_id).ok_or(AppError::NotFound)?;
    sqlx::query("DELETE FROM invitations WHERE id = $1").bind(id).execute(&mut **change).await?;
    changed(change, &row).await
}

/// What the invitee does with an invitation.
pub enum Answer<'a> {
    Accept,
    Decline,
    Propose(&'a str),
}

/// The invitee accepts, declines or proposes a draft (which also accepts). Only their own invitation,
/// only while the conversation is going; a declined one is closed.
pub async fn answer(change: &mut Change, id: i64, invitee: i64, answer: Answer<'_>) -> AppResult<Invitation> {
    let row = one(change, id).await?.filter(|r| r.invitee_id == invitee).ok_or(AppError::NotFound)?;
    let Flag(active) = sqlx::query_scalar("SELECT status = 'active' FROM conversations WHERE id = $1")
        .bind(row.conversation_id)
        .fetch_one(&mut **change)
        .await?;
    if !active {
        return Err(AppError::Conflict(Reason::Ended));
    }
    if row.status == "declined" {
        return Err(AppError::Conflict(Reason::InvitationDeclined));
    }
    let (status, proposal) = match answer {
        Answer::Accept if row.status == "pending" => ("accepted", row.proposal.clone()),
        // Accepting again changes nothing (a second tab, a retry).
        Answer::Accept => (row.status.as_str(), row.proposal.clone()),
        Answer::Decline => ("declined", row.proposal.clone()),
        Answer::Propose(body) => ("answered", Some(body.to_owned())),
    };
    sqlx::query("UPDATE invitations SET status = $1, proposal = $2, updated_at = $3 WHERE id = $4")
        .bind(status)
        .bind(&proposal)
        .bind(change.now)
        .bind(id)
        .execute(&mut **change)
        .await?;
    let row = one(change, id).await?.ok_or(AppError::NotFound)?;
    changed(change, &row).await?;
    row.into_invitation()
}

/// The chat's collaborators, in the order they joined.
pub async fn collaborators(pool: &Pool, conversation_id: i64) -> AppResult<Vec<Collaborator>> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT k.user_id, u.display_name, k.added_at FROM collaborators k JOIN users u ON u.id = k.user_id
         WHERE k.conversation_id = $1 ORDER BY k.added_at, k.user_id",
    )
    .bind(conversation_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(user_id, name, added_at)| Collaborator { user_id, name, added_at }).collect())
}

pub async fn is_collaborator(pool: &Pool, conversation_id: i64, user_id: i64) -> AppResult<bool> {
    let Flag(is) = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM collaborators WHERE conversation_id = $1 AND user_id = $2)",
    )
    .bind(conversation_id)
    .bind(user_id)
    .fetch_one(pool)
    .await?;
    Ok(is)
}

/// Adds a colleague of the queue to the chat; their task list shows it until it ends.
pub async fn add_collaborator(
    change: &mut Change,
    conversation_id: i64,
    owner: i64,
    user_id: i64,
) -> AppResult<()> {
    if user_id == owner || !is_colleague(change, conversation_id, user_id).await? {
        return Err(
            hovor_types::error::FieldError::new("user_id", hovor_types::error::Rule::NotAnOption).into()
        );
    }
    sqlx::query(
        "INSERT INTO collaborators (conversation_id, user_id, added_by, added_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(conversation_id)
    .bind(user_id)
    .bind(owner)
    .bind(change.now)
    .execute(&mut **change)
    .await?;
    collaborators_changed(change, conversation_id, [owner, user_id]).await
}

pub async fn remove_collaborator(
    change: &mut Change,
    conversation_id: i64,
    owner: i64,
    user_id: i64,
) -> AppResult<()> {
    let removed = sqlx::query("DELETE FROM collaborators WHERE conversation_id = $1 AND user_id = $2")
        .bind(conversation_id)
        .bind(user_id)
        .execute(&mut **change)
        .await?
        .rows_affected();
    if removed == 0 {
        return Err(AppError::NotFound);
    }
    collaborators_changed(change, conversation_id, [owner, user_id]).await
}

async fn collaborators_changed(change: &mut Change, conversation_id: i64, users: [i64; 2]) -> AppResult<()> {
    for user in users {
        change.emit(Audience::User(user), ServerEvent::CollaboratorsChanged { conversation_id }).await?;
    }
    Ok(())
}
