//! Invitations to help draft an email's reply, and collaborators in a chat.

use hovor_types::collaboration::{AddCollaborator, CollaborationView, Invitation, NewInvitation, Proposal};

use super::client::{self, ApiError};

pub async fn view(id: i64) -> Result<CollaborationView, ApiError> {
    client::get(&format!("/api/conversations/{id}/collaboration")).await
}

pub async fn invite(id: i64, invitation: &NewInvitation) -> Result<Invitation, ApiError> {
    client::post(&format!("/api/conversations/{id}/invitations"), invitation, None).await
}

pub async fn delete_invitation(id: i64, invitation: i64) -> Result<(), ApiError> {
    client::delete(&format!("/api/conversations/{id}/invitations/{invitation}")).await
}

pub async fn mine() -> Result<Vec<Invitation>, ApiError> {
    client::get("/api/invitations").await
}

pub async fn accept(invitation: i64) -> Result<Invitation, ApiError> {
    client::post(&format!("/api/invitations/{invitation}/accept"), &(), None).await
}

pub async fn decline(invitation: i64) -> Result<Invitation, ApiError> {
    client::post(&format!("/api/invitations/{invitation}/decline"), &(), None).await
}

pub async fn propose(invitation: i64, body: String) -> Result<Invitation, ApiError> {
    client::put(&format!("/api/invitations/{invitation}/proposal"), &Proposal { body }).await
}

pub async fn add_collaborator(id: i64, user_id: i64) -> Result<(), ApiError> {
    client::post_empty(
        &format!("/api/conversations/{id}/collaborators"),
        &AddCollaborator { user_id: Some(user_id) },
        None,
    )
    .await
}

pub async fn remove_collaborator(id: i64, user_id: i64) -> Result<(), ApiError> {
    client::delete(&format!("/api/conversations/{id}/collaborators/{user_id}")).await
}
