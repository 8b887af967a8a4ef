//! Working together on a conversation. Invitations (GEN): the owner of an email asks colleagues to help
//! draft the reply; each invitee accepts or declines, reads the thread and proposes a draft the owner
//! can insert. Collaborators (MLU): a colleague joins a live chat and writes to the customer too.

use serde::{Deserialize, Serialize};

use crate::Millis;
use crate::error::{FieldError, Rule};

pub const INVITATION_MESSAGE_MAX_CHARS: usize = 1000;

crate::string_enum! {
    pub enum InvitationStatus {
        Pending = "pending",
        Accepted = "accepted",
        /// The invitee proposed a draft.
        Answered = "answered",
        Declined = "declined",
    }
}

/// An invitation as the owner and the invitee see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitation {
    pub id: i64,
    pub conversation_id: i64,
    /// The conversation's subject, for the invitee's list.
    pub subject: Option<String>,
    pub owner: String,
    pub invitee_id: i64,
    pub invitee: String,
    pub message: String,
    pub status: InvitationStatus,
    /// The invitee's proposed draft, once answered.
    pub proposal: Option<String>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

/// New invitation: `POST /api/conversations/{id}/invitations`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewInvitation {
    pub invitee_id: Option<i64>,
    pub message: String,
}

/// Checks a new invitation; returns the invitee and the trimmed message.
pub fn validate_invitation(invitation: &NewInvitation) -> Result<(i64, &str), FieldError> {
    let invitee = invitation.invitee_id.ok_or(FieldError::new("invitee_id", Rule::Required))?;
    let message = crate::validate::text("message", &invitation.message, true, INVITATION_MESSAGE_MAX_CHARS)?;
    Ok((invitee, message))
}

/// The invitee's answer: `PUT /api/invitations/{id}/proposal`. The owner checks it before it is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Proposal {
    pub body: String,
}

/// A colleague who can be invited or added: `GET /api/conversations/{id}/colleagues`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Colleague {
    pub id: i64,
    pub name: String,
}

/// A colleague writing in a live chat beside its owner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Collaborator {
    pub user_id: i64,
    pub name: String,
    pub added_at: Millis,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddCollaborator {
    pub user_id: Option<i64>,
}

/// The Collaboration pane: `GET /api/conversations/{id}/collaboration`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CollaborationView {
    pub channel: crate::conversation::Channel,
    /// The caller handles the conversation: they invite, add and remove.
    pub owner: bool,
    /// Every invitation for the owner; only their own for an invitee.
    pub invitations: Vec<Invitation>,
    pub collaborators: Vec<Collaborator>,
    /// Colleagues of the queue the owner can invite or add.
    pub colleagues: Vec<Colleague>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_needs_an_invitee_and_a_message() {
        let mut new = NewInvitation { invitee_id: None, message: "Help?".into() };
        assert_eq!(validate_invitation(&new).unwrap_err().field, "invitee_id");
        new.invitee_id = Some(3);
        assert_eq!(validate_invitation(&new).unwrap(), (3, "Help?"));
        new.message = "  ".into();
        assert_eq!(validate_invitation(&new).unwrap_err().rule, Rule::Required);
        new.message = "x".repeat(INVITATION_MESSAGE_MAX_CHARS + 1);
        assert_eq!(
            validate_invitation(&new).unwrap_err().rule,
            Rule::TooLong { max: INVITATION_MESSAGE_MAX_CHARS }
        );
    }
}
