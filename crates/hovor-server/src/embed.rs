//! Hovor inside a CRM page. `/embed?host=<origin>` serves the desk to be framed by that one origin,
//! when the administrator listed it (`--embed-host-origins`, exact origins): its Content-Security-
//! Policy names that origin alone in `frame-ancestors`, and the page carries it for the desk's
//! messages (`hovor-embed` data block). Any other host gets a plain refusal that says what to do,
//! never a half-working desk. Every other page keeps refusing frames (`static_files`).
//!
//! `/embed/signin` is the frame's sign-in popup, on Hovor's own origin: signed in there, it hands the
//! frame that opened it a single-use code (`routes/embed.rs`), so no third-party cookie is needed.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use html_escape::encode_text;
use serde::Deserialize;

use crate::chat_page::{accept_language, asset, choose_language, localized};

const SIGN_IN_PAGE: &str = include_str!("../assets/embed/signin.html");
const SIGN_IN_SCRIPT: &str = include_str!("../assets/embed/signin.js");
const SIGN_IN_STYLE: &str = include_str!("../assets/embed/signin.css");
const HOST_SDK: &str = include_str!("../assets/embed/sdk-v1.js");

/// The refusal's languages and their strings; the first is the fallback.
const STRINGS: [(&str, &str); 4] = [
    ("en", include_str!("../../../locales/embed/en.json")),
    ("cs", include_str!("../../../locales/embed/cs.json")),
    ("bg", include_str!("../../../locales/embed/bg.json")),
    ("uk", include_str!("../../../locales/embed/uk.json")),
];

/// What `/embed` needs: the allowed hosts, the app's page and its policy without `frame-ancestors`.
#[derive(Clone)]
pub struct Embedding {
    hosts: Arc<[String]>,
    auto_dial: bool,
    page: Arc<str>,
    policy: Arc<str>,
}

impl Embedding {
    /// `policy`: every directive of the app's Content-Security-Policy but `frame-ancestors`.
    pub fn new(hosts: &[String], auto_dial: bool, page: Arc<str>, policy: &str) -> Embedding {
        Embedding { hosts: hosts.into(), auto_dial, page, policy: policy.into() }
    }

    fn allows(&self, host: &str) -> bool {
        self.hosts.iter().any(|allowed| allowed == host)
    }
}

/// The embedded desk (`/embed`), which needs the built app.
pub fn router(embedding: Embedding) -> Router {
    Router::new().route("/embed", get(page)).with_state(embedding)
}

/// The sign-in popup and its assets.
pub fn sign_in_router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/embed/signin", get(sign_in))
        .route(
            "/embed/assets/signin.js",
            get(|| async { asset("text/javascript; charset=utf-8", SIGN_IN_SCRIPT) }),
        )
        .route("/embed/assets/signin.css", get(|| async { asset("text/css; charset=utf-8", SIGN_IN_STYLE) }))
        // The host SDK, for the CRM page: the major version is in the path (docs/EMBEDDING.md).
        .route("/embed/sdk/v1.js", get(|| async { asset("text/javascript; charset=utf-8", HOST_SDK) }))
}

/// The popup in the browser's language; the challenge and the frame's state stay in its URL, read by
/// its script (neither is a secret: the verifier never leaves the frame).
async fn sign_in(headers: HeaderMap) -> Response {
    let html = localized(SIGN_IN_PAGE, &STRINGS, None, &headers);
    ([(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))], Html(html)).into_response()
}

#[derive(Deserialize)]
struct EmbedQuery {
    host: Option<String>,
}

async fn page(
    State(embedding): State<Embedding>,
    Query(q): Query<EmbedQuery>,
    headers: HeaderMap,
) -> Response {
    let host = q.host.unwrap_or_default();
    if !embedding.allows(&host) {
        return refusal(&host, &headers);
    }
    // The host is one of the listed exact origins: only letters, digits and `:/.-`.
    let block = format!(
        r#"<script type="application/json" id="hovor-embed">{{"host":"{host}","autoDial":{}}}</script>"#,
        embedding.auto_dial
    );
    let html = embedding.page.replacen("</head>", &format!("{block}</head>"), 1);
    let mut response = Html(html).into_response();
    let policy = format!("{}; frame-ancestors {host}", embedding.policy);
    let headers = response.headers_mut();
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

const REFUSAL_STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;padding:1.5rem;line-height:1.45}\
    h1{font-size:1.25rem;margin:0 0 .5rem}p{margin:0;max-width:36rem}";

/// A host that is not listed: 403 with a page that says so in the browser's language. It holds no
/// script, no data and no action, so any page may show it in a frame: the CRM's user sees why.
fn refusal(host: &str, headers: &HeaderMap) -> Response {
    let (lang, strings) = choose_language(&STRINGS, None, accept_language(headers));
    let strings: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(strings).unwrap_or_default();
    let text = |key: &str| strings.get(key).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    let shown = if host.is_empty() { "?".to_owned() } else { host.chars().take(200).collect() };
    let title = encode_text(&text("refused_title")).into_owned();
    let body = encode_text(&text("refused_text").replace("{host}", &shown)).into_owned();
    let html = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"color-scheme\" content=\"light dark\"><title>{title}</title><style>{REFUSAL_STYLE}</style></head>\
         <body><main role=\"alert\" data-testid=\"embed-refused\"><h1>{title}</h1><p>{body}</p></main></body></html>"
    );
    let mut response = (StatusCode::FORBIDDEN, Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_the_same_strings() {
        let keys = |json: &str| -> Vec<String> {
            let map: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(json).expect("valid JSON");
            map.keys().cloned().collect()
        };
        let english = keys(STRINGS[0].1);
        for (code, json) in STRINGS {
            assert_eq!(keys(json), english, "the keys of locales/embed/{code}.json");
            assert!(json.contains("{host}"), "locales/embed/{code}.json names the refused host");
        }
        // Every string the sign-in page and its script use.
        for used in
            SIGN_IN_PAGE.split("data-i18n=\"").skip(1).chain(SIGN_IN_SCRIPT.split("\"").skip(1).step_by(2))
        {
            let key = used.split('"').next().unwrap_or_default();
            let looks_like_key = key.chars().all(|c| c.is_ascii_lowercase() || c == '_') && key.contains('_');
            if looks_like_key
                && (key.starts_with("error_") || key.starts_with("sign") || key.ends_with("_opener"))
            {
                assert!(english.contains(&key.to_owned()), "{key} has no text");
            }
        }
    }
}
