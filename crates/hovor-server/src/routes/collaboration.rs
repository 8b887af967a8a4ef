//! Working together: invitations to help draft an email's reply (the owner invites, refreshes and
//! deletes; the invitee accepts, declines and proposes a draft) and collaborators in a live chat.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use hovor_types::auth::Me;
use hovor_types::collaboration::{
    AddCollaborator, CollaborationView, Invitation, NewInvitation, Proposal, validate_invitation,
};
use hovor_types::conversation::Channel;
use hovor_types::error::Reason;
use hovor_types::error::{ErrorBody, FieldError, Rule};
use hovor_types::message::validate_message_body;

use crate::extract::{AppJson, AppPath, Visible};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::change::Change;
use crate::error::{AppError, AppResult};
use crate::store::collaboration::{self as store, Answer};
use crate::store::conversations::{ConversationRow, visible};

/// The conversation, if the caller handles it and it is still going, in the channel the action is for.
async fn owned(state: &AppState, me: &Me, id: i64, channel: Channel) -> AppResult<ConversationRow> {
    let c = visible(&state.pool, me.id, id).await?;
    if c.agent_id != Some(me.id) || !c.is_active() {
        return Err(AppError::Conflict(Reason::NotAssigned));
    }
    if c.channel != channel {
        return Err(AppError::Conflict(Reason::WrongChannel));
    }
    Ok(c)
}

/// Invitations, collaborators and the colleagues who can be asked.
#[utoipa::path(get, path = "/api/conversations/{id}/collaboration", tag = "collaboration", params(("id" = i64, Path)),
    responses((status = 200, body = CollaborationView), (status = 404, body = ErrorBody)))]
pub async fn view(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
) -> AppResult<Json<CollaborationView>> {
    let owner = c.agent_id == Some(me.id);
    let mut invitations = store::of_conversation(&state.pool, c.id).await?;
    if !owner {
        invitations.retain(|i| i.invitee_id == me.id);
    }
    let colleagues = if owner { store::colleagues(&state.pool, c.id, me.id).await? } else { Vec::new() };
    let collaborators = store::collaborators(&state.pool, c.id).await?;
    Ok(Json(CollaborationView { channel: c.channel, owner, invitations, collaborators, colleagues }))
}

/// New invitation: a colleague of the queue is asked to help draft the reply.
#[utoipa::path(post, path = "/api/conversations/{id}/invitations", tag = "collaboration", params(("id" = i64, Path)),
    request_body = NewInvitation,
    responses((status = 201, body = Invitation), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn invite(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath(id): AppPath<i64>,
    AppJson(request): AppJson<NewInvitation>,
) -> AppResult<(StatusCode, Json<Invitation>)> {
    let (invitee, message) = validate_invitation(&request)?;
    let c = owned(&state, &me, id, Channel::Email).await?;
    let mut change = Change::begin(&state).await?;
    let invitation = store::invite(&mut change, c.id, me.id, invitee, message).await?;
    change.commit(&state).await?;
    Ok((StatusCode::CREATED, Json(invitation)))
}

/// Delete an invitation (the owner).
#[utoipa::path(delete, path = "/api/conversations/{id}/invitations/{invitation_id}", tag = "collaboration",
    params(("id" = i64, Path), ("invitation_id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_invitation(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath((id, invitation_id)): AppPath<(i64, i64)>,
) -> AppResult<StatusCode> {
    let c = owned(&state, &me, id, Channel::Email).await?;
    let mut change = Change::begin(&state).await?;
    store::delete(&mut change, c.id, invitation_id).await?;
    change.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's open invitations to help, newest first.
#[utoipa::path(get, path = "/api/invitations", tag = "collaboration", responses((status = 200, body = Vec<Invitation>)))]
pub async fn mine(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> AppResult<Json<Vec<Invitation>>> {
    Ok(Json(store::of_invitee(&state.pool, me.id).await?))
}

async fn answer(state: &AppState, me: &Me, id: i64, answer: Answer<'_>) -> AppResult<Json<Invitation>> {
    let mut change = Change::begin(state).await?;
    let invitation = store::answer(&mut change, id, me.id, answer).await?;
    change.commit(state).await?;
    Ok(Json(invitation))
}

#[utoipa::path(post, path = "/api/invitations/{id}/accept", tag = "collaboration", params(("id" = i64, Path)),
    responses((status = 200, body = Invitation), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn accept(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath(id): AppPath<i64>,
) -> AppResult<Json<Invitation>> {
    answer(&state, &me, id, Answer::Accept).await
}

#[utoipa::path(post, path = "/api/invitations/{id}/decline", tag = "collaboration", params(("id" = i64, Path)),
    responses((status = 200, body = Invitation), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn decline(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath(id): AppPath<i64>,
) -> AppResult<Json<Invitation>> {
    answer(&state, &me, id, Answer::Decline).await
}

/// The invitee's proposed draft; the owner inserts it into their reply and checks it before sending.
#[utoipa::path(put, path = "/api/invitations/{id}/proposal", tag = "collaboration", params(("id" = i64, Path)),
    request_body = Proposal,
    responses((status = 200, body = Invitation), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn propose(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath(id): AppPath<i64>,
    AppJson(proposal): AppJson<Proposal>,
) -> AppResult<Json<Invitation>> {
    let body = validate_message_body(&proposal.body)?;
    answer(&state, &me, id, Answer::Propose(body)).await
}

/// Adds a colleague of the queue to the chat: both write, and the customer sees each one's name.
#[utoipa::path(post, path = "/api/conversations/{id}/collaborators", tag = "collaboration", params(("id" = i64, Path)),
    request_body = AddCollaborator,
    responses((status = 204), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_collaborator(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath(id): AppPath<i64>,
    AppJson(request): AppJson<AddCollaborator>,
) -> AppResult<StatusCode> {
    let user = request.user_id.ok_or(FieldError::new("user_id", Rule::Required))?;
    let c = owned(&state, &me, id, Channel::Chat).await?;
    let mut change = Change::begin(&state).await?;
    store::add_collaborator(&mut change, c.id, me.id, user).await?;
    change.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/conversations/{id}/collaborators/{user_id}", tag = "collaboration",
    params(("id" = i64, Path), ("user_id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn remove_collaborator(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath((id, user_id)): AppPath<(i64, i64)>,
) -> AppResult<StatusCode> {
    let c = owned(&state, &me, id, Channel::Chat).await?;
    let mut change = Change::begin(&state).await?;
    store::remove_collaborator(&mut change, c.id, me.id, user_id).await?;
    change.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(view))
        .routes(routes!(invite))
        .routes(routes!(delete_invitation))
        .routes(routes!(mine))
        .routes(routes!(accept))
        .routes(routes!(decline))
        .routes(routes!(propose))
        .routes(routes!(add_collaborator))
        .routes(routes!(remove_collaborator))
}
