//! `/api/session`: sign in, sign out, who am I.

use hovor_types::auth::{Me, SignInRequest};

use super::client::{self, ApiError};

pub async fn current() -> Result<Me, ApiError> {
    client::get("/api/session").await
}

pub async fn sign_in(username: String, password: String) -> Result<Me, ApiError> {
    client::post("/api/session", &SignInRequest { username, password }, None).await
}

/// A single-use ticket that opens the event stream of the embedded desk's bearer session.
pub async fn stream_ticket() -> Result<hovor_types::auth::StreamTicket, ApiError> {
    client::post("/api/events/ticket", &(), None).await
}

/// Exchanges the sign-in popup's code and the frame's verifier for a bearer token.
pub async fn embed_token(code: String, verifier: String) -> Result<hovor_types::auth::EmbedToken, ApiError> {
    client::post("/api/embed/token", &hovor_types::auth::EmbedTokenRequest { code, verifier }, None).await
}

/// A nonce for the CRM's server to sign into an assertion (the host API's `signInRequired`).
pub async fn embed_nonce() -> Result<hovor_types::auth::EmbedNonce, ApiError> {
    client::post("/api/embed/nonces", &(), None).await
}

/// Signs the embedded desk in with the CRM server's assertion for `nonce`: the session's bearer token.
pub async fn embed_session(
    assertion: String,
    nonce: String,
) -> Result<hovor_types::auth::EmbedToken, ApiError> {
    client::post("/api/embed/session", &hovor_types::auth::EmbedSessionRequest { assertion, nonce }, None)
        .await
}

pub async fn sign_out() -> Result<(), ApiError> {
    client::delete("/api/session").await
}

/// The configured texts' translations into `language`.
pub async fn translations(language: &str) -> Result<hovor_types::translation::Translations, ApiError> {
    client::get(&format!("/api/translations/{language}")).await
}
