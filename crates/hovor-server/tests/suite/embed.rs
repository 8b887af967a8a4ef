//! Hovor inside a CRM page: `/embed` is served to be framed by a listed host alone, every other host
//! gets a clear refusal, and every other page keeps refusing frames.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

use crate::common::TestServer;

const INDEX: &str = "<!doctype html><html><head><title>Hovor</title></head><body></body></html>";
const CRM: &str = "http://localhost:5173";

/// The page's status, Content-Security-Policy, Cache-Control and text.
async fn page(server: &TestServer, path: &str, language: &str) -> (StatusCode, String, String, String) {
    let request = Request::builder().uri(path).header(header::ACCEPT_LANGUAGE, language);
    let response = server.router.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let header =
        |name| response.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let (csp, cache) = (header(header::CONTENT_SECURITY_POLICY), header(header::CACHE_CONTROL));
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, csp, cache, String::from_utf8(bytes.to_vec()).unwrap())
}

#[tokio::test]
async fn only_a_listed_host_may_frame_the_desk_and_any_other_is_told_why() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), INDEX).unwrap();
    let mut server = TestServer::new().await;
    server.state = server.state.clone().with_embed_host_origins(vec![CRM.to_owned()]);
    server.router = hovor_server::app(server.state.clone(), Some(dist.path())).unwrap();

    // The listed host: the desk, framed by that origin alone, never cached, told its host.
    let (status, csp, cache, html) = page(&server, "/embed?host=http%3A%2F%2Flocalhost%3A5173", "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(csp.ends_with(&format!("; frame-ancestors {CRM}")), "{csp}");
    assert!(csp.starts_with("default-src 'self'"), "the app's own policy otherwise: {csp}");
    assert_eq!(cache, "no-store");
    assert!(html.contains(r#"<script type="application/json" id="hovor-embed">{"host":"http://localhost:5173","autoDial":false}</script></head>"#), "{html}");

    // Near misses are other hosts: another port, a trailing slash, another scheme, none at all.
    for host in [
        "http://localhost:5174",
        "http://localhost:5173/",
        "https://localhost:5173",
        "http://LOCALHOST:5173",
        "",
    ] {
        let path = format!("/embed?host={}", host.replace(':', "%3A").replace('/', "%2F"));
        let (status, csp, _, html) = page(&server, &path, "cs-CZ,cs;q=0.9").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{host}");
        assert!(html.contains("data-testid=\"embed-refused\""), "{html}");
        assert!(html.contains("Hovor zde nelze zobrazit"), "in the browser's language: {html}");
        assert!(!html.contains("<script"), "the refusal runs nothing: {html}");
        assert!(csp.starts_with("default-src 'none'"), "{csp}");
    }
    let (_, _, _, html) = page(&server, "/embed?host=https%3A%2F%2Fevil.example%2F%3Cb%3E", "uk").await;
    assert!(html.contains("https://evil.example/&lt;b&gt;"), "the refused host is shown as text: {html}");

    // Every other page still refuses frames.
    for path in ["/", "/desk", "/login", "/api/health"] {
        let (_, csp, _, _) = page(&server, path, "en").await;
        assert!(csp.ends_with("frame-ancestors 'none'"), "{path}: {csp}");
    }

    // The host SDK, for the CRM's page: script, at its version's path.
    let sdk = server
        .router
        .clone()
        .oneshot(Request::get("/embed/sdk/v1.js").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(sdk.status(), StatusCode::OK);
    assert_eq!(sdk.headers()[header::CONTENT_TYPE], "text/javascript; charset=utf-8");
    let script = String::from_utf8(sdk.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    assert!(script.contains("window.HovorDesk = HovorDesk"));
    assert_eq!(script.matches("postMessage(").count(), 1, "one place posts");
    assert!(script.contains("postMessage(message, this.origin)"), "to Hovor's origin only, never '*'");

    // A deployment that lets the CRM place calls at once tells the desk so.
    server.state = server.state.clone().with_embed_auto_dial(true);
    server.router = hovor_server::app(server.state.clone(), Some(dist.path())).unwrap();
    let (_, _, _, html) = page(&server, "/embed?host=http%3A%2F%2Flocalhost%3A5173", "en").await;
    assert!(html.contains(r#"{"host":"http://localhost:5173","autoDial":true}"#), "{html}");
}

#[test]
fn the_allow_list_takes_exact_origins_only() {
    use clap::Parser;
    let config =
        |origins: &str| hovor_server::Config::parse_from(["hovor-server", "--embed-host-origins", origins]);
    assert_eq!(
        config("https://crm.example, http://localhost:5173").embed_host_origins().unwrap(),
        vec!["https://crm.example".to_owned(), "http://localhost:5173".to_owned()]
    );
    let refused = config("https://crm.example/app").embed_host_origins().unwrap_err().to_string();
    assert!(refused.contains("`https://crm.example/app` is not an exact origin"), "{refused}");
    assert!(config("https://*.example").embed_host_origins().is_err());
}

/// A verifier and its challenge, as the frame makes them.
fn verifier_and_challenge(seed: char) -> (String, String) {
    use base64::Engine;
    use sha2::Digest;
    let verifier = seed.to_string().repeat(50);
    let challenge =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

async fn with_bearer(
    server: &TestServer,
    method: &str,
    path: &str,
    token: &str,
    body: Option<serde_json::Value>,
) -> crate::common::Answer {
    let bearer = format!("Bearer {token}");
    server.request_with(method, path, None, body, &[("authorization", &bearer)]).await
}

#[tokio::test]
async fn the_frame_signs_in_with_a_single_use_code_and_its_verifier_and_holds_a_bearer_token_only() {
    let server = TestServer::new().await;
    let tab = server.sign_in("agent1").await;
    let (verifier, challenge) = verifier_and_challenge('v');

    // The popup, signed in on Hovor's own origin, asks for a code bound to the frame's challenge.
    let malformed =
        server.request("POST", "/api/embed/codes", Some(&tab), Some(json!({"challenge": "abc"}))).await;
    assert_eq!(malformed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(malformed.json["field"], "challenge", "{}", malformed.json);
    let nobody =
        server.request("POST", "/api/embed/codes", None, Some(json!({"challenge": challenge}))).await;
    assert_eq!(nobody.status, StatusCode::UNAUTHORIZED);
    let issued =
        server.request("POST", "/api/embed/codes", Some(&tab), Some(json!({"challenge": challenge}))).await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.json);
    let code = issued.json["code"].as_str().unwrap().to_owned();

    // A wrong verifier spends the code: it is good for one guess only.
    let (other, _) = verifier_and_challenge('w');
    let wrong = server
        .request("POST", "/api/embed/token", None, Some(json!({"code": code, "verifier": other})))
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let spent = server
        .request("POST", "/api/embed/token", None, Some(json!({"code": code, "verifier": verifier})))
        .await;
    assert_eq!(spent.status, StatusCode::UNAUTHORIZED, "a code is used once");

    // An expired code is refused too.
    let issued =
        server.request("POST", "/api/embed/codes", Some(&tab), Some(json!({"challenge": challenge}))).await;
    sqlx::query("UPDATE embed_codes SET expires_at = 0").execute(&server.pool).await.unwrap();
    let code = issued.json["code"].as_str().unwrap();
    let expired = server
        .request("POST", "/api/embed/token", None, Some(json!({"code": code, "verifier": verifier})))
        .await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);

    // The right verifier with a fresh code: a bearer token, which works only as a bearer token.
    let issued =
        server.request("POST", "/api/embed/codes", Some(&tab), Some(json!({"challenge": challenge}))).await;
    let code = issued.json["code"].as_str().unwrap();
    let token = server
        .request("POST", "/api/embed/token", None, Some(json!({"code": code, "verifier": verifier})))
        .await;
    assert_eq!(token.status, StatusCode::CREATED, "{}", token.json);
    assert!(token.set_cookie.is_none(), "the frame gets no cookie");
    let token = token.json["token"].as_str().unwrap().to_owned();
    let me = with_bearer(&server, "GET", "/api/session", &token, None).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json["username"], "agent1");
    let as_cookie =
        server.request("GET", "/api/session", Some(&format!("hovor_session={token}")), None).await;
    assert_eq!(as_cookie.status, StatusCode::UNAUTHORIZED, "a bearer token is no cookie");
    let cookie_value = tab.split_once('=').unwrap().1.split(';').next().unwrap();
    let cookie_as_bearer = with_bearer(&server, "GET", "/api/session", cookie_value, None).await;
    assert_eq!(cookie_as_bearer.status, StatusCode::UNAUTHORIZED, "the tab's cookie is no bearer token");

    // The event stream opens with a single-use ticket.
    let ticket = with_bearer(&server, "POST", "/api/events/ticket", &token, None).await;
    assert_eq!(ticket.status, StatusCode::CREATED, "{}", ticket.json);
    let ticket = ticket.json["ticket"].as_str().unwrap().to_owned();
    // (`stream` asserts 200 and text/event-stream.)
    let _stream = server.stream(&format!("/api/events?ticket={ticket}"), "", None).await;
    let again = server.request("GET", &format!("/api/events?ticket={ticket}"), None, None).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED, "a ticket opens one stream");

    // A frame's token cannot mint itself new codes (and so outlive its session).
    let renew =
        with_bearer(&server, "POST", "/api/embed/codes", &token, Some(json!({"challenge": challenge}))).await;
    assert_eq!(renew.status, StatusCode::FORBIDDEN, "{}", renew.json);

    // Signing out in the frame ends its session, not the tab's, and clears no cookie.
    let out = with_bearer(&server, "DELETE", "/api/session", &token, None).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.json);
    assert!(out.set_cookie.is_none(), "{:?}", out.set_cookie);
    assert_eq!(
        with_bearer(&server, "GET", "/api/session", &token, None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(server.request("GET", "/api/session", Some(&tab), None).await.status, StatusCode::OK);
}

/// An assertion as a CRM's server signs one (HS256).
fn assertion(claims: &serde_json::Value, secret: &str) -> String {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use hmac::Mac;
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{header}.{payload}").as_bytes());
    format!("{header}.{payload}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
}

#[tokio::test]
async fn a_crm_server_signs_its_agent_in_once_with_a_fresh_assertion_on_a_nonce_hovor_issued() {
    let mut server = TestServer::new().await;
    let secret = "crm-shared-secret";
    server.state = server
        .state
        .clone()
        .with_embed_host_origins(vec![CRM.to_owned()])
        .with_embed_assertion_secret(Some(secret));
    server.router = hovor_server::app(server.state.clone(), None).unwrap();
    let now = hovor_server::db::now_ms() / 1000;
    let claims = |jti: &str, sub: &str, nonce: &str| json!({"iss": CRM, "aud": "hovor-embed", "sub": sub, "iat": now, "exp": now + 60, "jti": jti, "nonce": nonce});
    let sign_in = |assertion: String, nonce: &str| json!({"assertion": assertion, "nonce": nonce});
    let nonce = || async {
        let issued = server.request("POST", "/api/embed/nonces", None, None).await;
        assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.json);
        issued.json["nonce"].as_str().unwrap().to_owned()
    };

    let n1 = nonce().await;
    let body = sign_in(assertion(&claims("j1", "agent3", &n1), secret), &n1);
    let signed = server.request("POST", "/api/embed/session", None, Some(body)).await;
    assert_eq!(signed.status, StatusCode::CREATED, "{}", signed.json);
    let token = signed.json["token"].as_str().unwrap();
    let me = with_bearer(&server, "GET", "/api/session", token, None).await;
    assert_eq!(me.json["username"], "agent3");

    // Refused: the same assertion again (its nonce and id are spent), a nonce Hovor never issued,
    // another secret, an unknown user, an administrator.
    let (n2, n3, n4) = (nonce().await, nonce().await, nonce().await);
    for (body, why) in [
        (sign_in(assertion(&claims("j1", "agent3", &n1), secret), &n1), "a replay"),
        (sign_in(assertion(&claims("j2", "agent3", "made-up"), secret), "made-up"), "a nonce never issued"),
        (sign_in(assertion(&claims("j3", "agent3", &n2), "guessed"), &n2), "another secret"),
        (sign_in(assertion(&claims("j4", "nobody", &n3), secret), &n3), "an unknown user"),
        (sign_in(assertion(&claims("j5", "admin", &n4), secret), &n4), "an administrator"),
    ] {
        let refused = server.request("POST", "/api/embed/session", None, Some(body)).await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{why}: {}", refused.json);
    }
}

#[tokio::test]
async fn without_a_configured_secret_no_assertion_signs_in() {
    let server = TestServer::new().await;
    let body = json!({"assertion": "a.b.c", "nonce": "n"});
    assert_eq!(
        server.request("POST", "/api/embed/session", None, Some(body)).await.status,
        StatusCode::UNAUTHORIZED
    );
}
