//! A CRM with a backend may sign the agent in to the framed desk without the sign-in window: its
//! server signs a short-lived assertion (a JWT, HS256, with the secret it shares with Hovor,
//! `--embed-assertion-secret`) that the desk hands to `POST /api/embed/session`. Checked here: the
//! algorithm, the signature (in constant time), the audience, the issuer (a listed CRM origin), a
//! lifetime of at most a minute, the nonce the desk asked for, and a single-use id.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

/// The audience an assertion must name.
pub const AUDIENCE: &str = "hovor-embed";
/// The longest an assertion may live, and the clock difference tolerated.
pub const LONGEST_MS: i64 = 60_000;
const SKEW_MS: i64 = 5_000;

#[derive(Debug, Deserialize)]
struct Header {
    alg: String,
}

/// What a valid assertion says.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The agent's Hovor user name.
    pub sub: String,
    /// Seconds since the epoch, as JWTs count.
    pub exp: i64,
    pub iat: i64,
    pub jti: String,
    pub nonce: String,
}

/// Why an assertion is refused (all answered alike: 401).
#[derive(Debug, PartialEq)]
pub enum Refusal {
    Malformed,
    Algorithm,
    Signature,
    Audience,
    Issuer,
    Expired,
    TooLong,
    Nonce,
}

/// The claims of an assertion signed with `secret` for one of `hosts`, alive at `now_ms` for at most a
/// minute, with `nonce`. The single use of `jti` is the caller's to record.
pub fn verify(
    assertion: &str,
    secret: &str,
    hosts: &[String],
    nonce: &str,
    now_ms: i64,
) -> Result<Claims, Refusal> {
    let mut parts = assertion.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Refusal::Malformed);
    };
    let decode = |part: &str| URL_SAFE_NO_PAD.decode(part).map_err(|_| Refusal::Malformed);
    let header: Header = serde_json::from_slice(&decode(header)?).map_err(|_| Refusal::Malformed)?;
    // Only HS256: never "none", never an algorithm the token chooses for itself.
    if header.alg != "HS256" {
        return Err(Refusal::Algorithm);
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| Refusal::Signature)?;
    mac.update(&assertion.as_bytes()[..assertion.len() - signature.len() - 1]);
    mac.verify_slice(&decode(signature)?).map_err(|_| Refusal::Signature)?;
    let claims: Claims = serde_json::from_slice(&decode(payload)?).map_err(|_| Refusal::Malformed)?;
    if claims.aud != AUDIENCE {
        return Err(Refusal::Audience);
    }
    if !hosts.contains(&claims.iss) {
        return Err(Refusal::Issuer);
    }
    let (exp, iat) = (claims.exp.saturating_mul(1000), claims.iat.saturating_mul(1000));
    if exp <= now_ms - SKEW_MS {
        return Err(Refusal::Expired);
    }
    if exp - iat > LONGEST_MS || iat > now_ms + SKEW_MS || exp > now_ms + LONGEST_MS + SKEW_MS {
        return Err(Refusal::TooLong);
    }
    if claims.nonce.is_empty() || claims.nonce != nonce {
        return Err(Refusal::Nonce);
    }
    if claims.jti.is_empty() || claims.jti.len() > 128 || claims.sub.is_empty() {
        return Err(Refusal::Malformed);
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "crm-shared-secret";
    const NOW: i64 = 1_800_000_000_000;

    /// An assertion as a CRM's server makes one.
    fn sign(claims: &serde_json::Value, alg: &str, secret: &str) -> String {
        let header = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#));
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{header}.{payload}").as_bytes());
        format!("{header}.{payload}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
    }

    fn claims() -> serde_json::Value {
        serde_json::json!({"iss": "https://crm.example", "aud": AUDIENCE, "sub": "agent1",
                           "iat": NOW / 1000, "exp": NOW / 1000 + 60, "jti": "j-1", "nonce": "hello-1"})
    }

    fn check(assertion: &str) -> Result<Claims, Refusal> {
        verify(assertion, SECRET, &["https://crm.example".to_owned()], "hello-1", NOW)
    }

    #[test]
    fn a_fresh_assertion_for_a_listed_crm_signs_its_agent_in() {
        assert_eq!(check(&sign(&claims(), "HS256", SECRET)).unwrap().sub, "agent1");
    }

    #[test]
    fn every_other_assertion_is_refused_for_its_own_reason() {
        let with = |key: &str, value: serde_json::Value| {
            let mut c = claims();
            c[key] = value;
            sign(&c, "HS256", SECRET)
        };
        assert_eq!(check(&sign(&claims(), "HS256", "another secret")), Err(Refusal::Signature));
        assert_eq!(check(&sign(&claims(), "none", SECRET)), Err(Refusal::Algorithm));
        assert_eq!(check(&sign(&claims(), "HS512", SECRET)), Err(Refusal::Algorithm));
        assert_eq!(check(&with("aud", "other".into())), Err(Refusal::Audience));
        assert_eq!(check(&with("iss", "https://evil.example".into())), Err(Refusal::Issuer));
        assert_eq!(check(&with("exp", (NOW / 1000 - 10).into())), Err(Refusal::Expired));
        assert_eq!(check(&with("exp", (NOW / 1000 + 3600).into())), Err(Refusal::TooLong));
        assert_eq!(check(&with("nonce", "hello-2".into())), Err(Refusal::Nonce));
        assert_eq!(check("a.b"), Err(Refusal::Malformed));
        let signed = sign(&claims(), "HS256", SECRET);
        let (head, _) = signed.rsplit_once('.').unwrap();
        let forged = format!("{head}.{}", URL_SAFE_NO_PAD.encode([0u8; 32]));
        assert_eq!(check(&forged), Err(Refusal::Signature));
    }
}
