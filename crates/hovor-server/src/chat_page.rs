//! The customer's web chat page and the host-site SDK, compiled into the binary: `/chat/{queue_id}`,
//! its script and stylesheet, and `/chat/sdk.js`. The page speaks the customer's language (`?lang=`,
//! else the browser's Accept-Language) with the strings of `locales/chat/`.

use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use serde::Deserialize;

const PAGE: &str = include_str!("../assets/chat/chat.html");
const SCRIPT: &str = include_str!("../assets/chat/chat.js");
const STYLE: &str = include_str!("../assets/chat/chat.css");
const SDK: &str = include_str!("../assets/chat/sdk.js");
const CALL: &str = include_str!("../assets/chat/call.js");
const CALLBACK: &str = include_str!("../assets/chat/callback.js");
const FEEDBACK: &str = include_str!("../assets/chat/feedback.js");

/// The page's languages and their strings; the first is the fallback.
const STRINGS: [(&str, &str); 4] = [
    ("en", include_str!("../../../locales/chat/en.json")),
    ("cs", include_str!("../../../locales/chat/cs.json")),
    ("bg", include_str!("../../../locales/chat/bg.json")),
    ("uk", include_str!("../../../locales/chat/uk.json")),
];

/// The page's settings: the shared limits of `hovor-types` (messages, the surveys before and after the
/// chat), the allowed host origins, and whether the
/// customer may call ("Call us": the server switches calls), as JSON.
fn page_config(host_origins: &[String], calls: bool) -> String {
    use hovor_types::chat::{
        ANSWER_MAX_CHARS, DETAIL_MAX_CHARS, EMAIL_MAX_CHARS, NAME_MAX_CHARS, REPORTED_MAX, TYPING_EVERY_MS,
        TYPING_STALE_MS,
    };
    use hovor_types::conversation::SelfServiceKind;
    serde_json::json!({
        "body_max": hovor_types::message::MESSAGE_MAX_CHARS,
        "name_max": NAME_MAX_CHARS,
        "email_max": EMAIL_MAX_CHARS,
        "answer_max": ANSWER_MAX_CHARS,
        "detail_max": DETAIL_MAX_CHARS,
        "reported_max": REPORTED_MAX,
        "kinds": SelfServiceKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        "typing_every_ms": TYPING_EVERY_MS,
        "typing_stale_ms": TYPING_STALE_MS,
        "host_origins": host_origins,
        "calls": calls,
        "rating_max": hovor_types::feedback::RATING_MAX,
        "comment_max": hovor_types::feedback::COMMENT_MAX_CHARS,
        "callback_phone_chars": [
            hovor_types::callback::PHONE_CHARS.start(),
            hovor_types::callback::PHONE_CHARS.end()
        ],
    })
    .to_string()
}

pub fn router<S: Clone + Send + Sync + 'static>(host_origins: &[String], calls: bool) -> Router<S> {
    let config: std::sync::Arc<str> = page_config(host_origins, calls).replace("</", "<\\/").into();
    let kinds: Vec<&str> =
        hovor_types::conversation::SelfServiceKind::ALL.iter().map(|k| k.as_str()).collect();
    // Built once and kept for the life of the server.
    let sdk: &'static str =
        SDK.replace("/*KINDS*/ []", &serde_json::to_string(&kinds).unwrap_or_default()).leak();
    Router::new()
        .route(
            "/chat/{queue_id}",
            get(move |path, query, headers| page(path, query, headers, config.clone())),
        )
        .route("/chat/assets/chat.js", get(|| async { asset("text/javascript; charset=utf-8", SCRIPT) }))
        .route("/chat/assets/chat.css", get(|| async { asset("text/css; charset=utf-8", STYLE) }))
        .route("/chat/assets/call.js", get(|| async { asset("text/javascript; charset=utf-8", CALL) }))
        .route(
            "/chat/assets/callback.js",
            get(|| async { asset("text/javascript; charset=utf-8", CALLBACK) }),
        )
        .route(
            "/chat/assets/feedback.js",
            get(|| async { asset("text/javascript; charset=utf-8", FEEDBACK) }),
        )
        .route("/chat/sdk.js", get(move || async move { asset("text/javascript; charset=utf-8", sdk) }))
}

#[derive(Deserialize)]
struct PageQuery {
    lang: Option<String>,
}

async fn page(
    Path(_queue_id): Path<String>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
    config: std::sync::Arc<str>,
) -> impl IntoResponse {
    let html = localized(PAGE, &STRINGS, q.lang.as_deref(), &headers).replace("{{CONFIG}}", &config);
    ([(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))], Html(html))
}

pub(crate) fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
}

/// A server-rendered page (chat, phone, the embedded desk's sign-in) in the language `choose_language`
/// picks from `?lang=` and the request's Accept-Language: `{{LANG}}` and its `{{STRINGS}}` filled in.
pub(crate) fn localized(
    page: &str,
    strings: &[(&'static str, &'static str)],
    asked: Option<&str>,
    headers: &HeaderMap,
) -> String {
    let (lang, strings) = choose_language(strings, asked, accept_language(headers));
    // The strings sit in a JSON data block: `</` must not close the element early.
    page.replace("{{LANG}}", lang).replace("{{STRINGS}}", &strings.replace("</", "<\\/"))
}

/// The request's Accept-Language, or nothing.
pub(crate) fn accept_language(headers: &HeaderMap) -> &str {
    headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

/// `?lang=` when it is one of ours, else the first of Accept-Language's languages we have, else the
/// first of `strings` (English). Returns the language and its strings.
pub(crate) fn choose_language(
    strings: &[(&'static str, &'static str)],
    asked: Option<&str>,
    accept_language: &str,
) -> (&'static str, &'static str) {
    let wanted = asked
        .into_iter()
        .chain(accept_language.split(',').map(|part| part.split(';').next().unwrap_or_default().trim()));
    for tag in wanted {
        let primary = tag.split('-').next().unwrap_or_default().to_ascii_lowercase();
        if let Some(found) = strings.iter().find(|(code, _)| *code == primary) {
            return *found;
        }
    }
    strings[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_comes_from_the_query_then_the_browser_then_english() {
        assert_eq!(choose_language(&STRINGS, Some("uk"), "cs-CZ").0, "uk");
        assert_eq!(choose_language(&STRINGS, Some("xx"), "de-DE,bg;q=0.8,en;q=0.5").0, "bg");
        assert_eq!(choose_language(&STRINGS, None, "de-DE").0, "en");
    }

    #[test]
    fn the_page_gets_the_shared_limits_and_the_allowed_hosts() {
        let config: serde_json::Value =
            serde_json::from_str(&page_config(&["https://shop.example".to_owned()], true)).unwrap();
        assert_eq!(config["body_max"], hovor_types::message::MESSAGE_MAX_CHARS);
        assert_eq!(config["kinds"].as_array().unwrap().len(), 4);
        assert_eq!(config["host_origins"][0], "https://shop.example");
    }

    #[test]
    fn every_language_has_the_same_strings() {
        let keys = |json: &str| -> Vec<String> {
            let map: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(json).expect("valid JSON");
            map.keys().cloned().collect()
        };
        let english = keys(STRINGS[0].1);
        assert!(!english.is_empty());
        for (code, json) in STRINGS {
            assert_eq!(keys(json), english, "the keys of locales/chat/{code}.json");
        }
    }
}
