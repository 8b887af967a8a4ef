//! Sign-in and the signed-in user.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInRequest {
    pub username: String,
    pub password: String,
}

crate::string_enum! {
    pub enum Role {
        Agent = "agent",
        Supervisor = "supervisor",
        Admin = "admin",
    }
}

/// The signed-in user, as `GET /api/session` and a successful sign-in return it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
}
