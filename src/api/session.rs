//! `/api/session`: sign in, sign out, who am I.

use hovor_types::auth::{Me, SignInRequest};

use super::client::{self, ApiError};

pub async fn current() -> Result<Me, ApiError> {
    client::get("/api/session").await
}

pub async fn sign_in(username: String, password: String) -> Result<Me, ApiError> {
    client::post("/api/session", &SignInRequest { username, password }, None).await
}

pub async fn sign_out() -> Result<(), ApiError> {
    client::delete("/api/session").await
}

/// The configured texts' translations into `language`.
pub async fn translations(language: &str) -> Result<hovor_types::translation::Translations, ApiError> {
    client::get(&format!("/api/translations/{language}")).await
}
