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

/// The embedded desk's sign-in (no third-party cookie): the frame keeps a random `verifier` in memory
/// and opens the sign-in popup on Hovor's own origin with its SHA-256 (`challenge`, base64url without
/// padding). Signed in there, the popup asks `POST /api/embed/codes` for a single-use code, valid a
/// minute, and hands it to the frame; the frame exchanges code and verifier at `POST /api/embed/token`
/// for a bearer token it keeps in memory only.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmbedCodeRequest {
    pub challenge: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmbedCode {
    pub code: String,
    pub expires_at: crate::Millis,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmbedTokenRequest {
    pub code: String,
    pub verifier: String,
}

/// A bearer token (`Authorization: Bearer …`) for the embedded desk's API calls, and when its session
/// ends at the latest (it also ends after the tab's idle time, and on sign-out).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmbedToken {
    pub token: String,
    pub expires_at: crate::Millis,
}

/// A single-use ticket that opens the event stream (`GET /api/events?ticket=…`) for a bearer token's
/// user: an `EventSource` cannot send headers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StreamTicket {
    pub ticket: String,
    pub expires_at: crate::Millis,
}

/// A CRM's server signs the agent in to the framed desk: its assertion (a JWT, HS256, a minute at
/// most) and the nonce the desk asked it to sign.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmbedSessionRequest {
    pub assertion: String,
    pub nonce: String,
}

/// A nonce Hovor issued (`POST /api/embed/nonces`) for the CRM's server to sign into an assertion.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmbedNonce {
    pub nonce: String,
    pub expires_at: crate::Millis,
}

/// How long a sign-in code and a stream ticket last.
pub const EMBED_CODE_MS: crate::Millis = 60_000;
pub const STREAM_TICKET_MS: crate::Millis = 30_000;

/// A verifier: 43–128 of `A–Z a–z 0–9 - . _ ~` (as PKCE's).
pub fn check_verifier(verifier: &str) -> Result<(), crate::error::FieldError> {
    let fits = (43..=128).contains(&verifier.len())
        && verifier.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    if fits { Ok(()) } else { Err(crate::error::FieldError::new("verifier", crate::error::Rule::Malformed)) }
}

/// A challenge: a SHA-256 in base64url without padding, 43 characters.
pub fn check_challenge(challenge: &str) -> Result<(), crate::error::FieldError> {
    let fits = challenge.len() == 43
        && challenge.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
    if fits { Ok(()) } else { Err(crate::error::FieldError::new("challenge", crate::error::Rule::Malformed)) }
}

/// Whether sign-in may return to `path` (`/login?next=…`, which anyone can write into a link): a page
/// of the desk on this origin, never another site (`//host`, `/\host`) or a scheme.
pub fn is_desk_path(path: &str) -> bool {
    let desk = path == "/desk" || path.starts_with("/desk/") || path.starts_with("/desk?");
    desk && !path.contains("//") && !path.contains('\\') && !path.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_returns_only_to_the_desks_own_pages() {
        for ok in ["/desk", "/desk/12", "/desk/listings?activityDetail=chat-12", "/desk?x=1"] {
            assert!(is_desk_path(ok), "{ok}");
        }
        for refused in [
            "",
            "/",
            "/deskx",
            "/login",
            "//evil.example/desk",
            "https://evil.example/desk",
            "/desk//evil.example",
            "/desk/\\evil.example",
            "/desk/\nSet-Cookie",
            "desk/12",
        ] {
            assert!(!is_desk_path(refused), "{refused:?}");
        }
    }

    #[test]
    fn verifiers_and_challenges_have_their_forms() {
        assert!(check_verifier(&"a".repeat(43)).is_ok());
        assert!(check_verifier(&"Az0-._~".repeat(10)).is_ok());
        assert!(check_verifier(&"a".repeat(42)).is_err());
        assert!(check_verifier(&"a".repeat(129)).is_err());
        assert!(check_verifier(&format!("{}+", "a".repeat(50))).is_err());
        assert!(check_challenge("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM").is_ok());
        assert!(check_challenge("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c=").is_err());
        assert!(check_challenge("short").is_err());
    }
}
