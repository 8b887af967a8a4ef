//! Hovor inside a CRM page: `/embed` is served to be framed by a listed host alone, every other host
//! gets a clear refusal, and every other page keeps refusing frames.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
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
    assert!(html.contains(r#"<script type="application/json" id="hovor-embed">{"host":"http://localhost:5173"}</script></head>"#), "{html}");

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
