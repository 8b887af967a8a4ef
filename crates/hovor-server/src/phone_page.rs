//! The phone page, compiled into the binary: `/phone` stands in for a telephone on the public network
//! (`?from=` its number, `?to=` the number to dial, `?lang=` its language, else the browser's), with
//! the strings of `locales/phone/`.

use axum::Router;
use axum::extract::Query;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use serde::Deserialize;

use crate::chat_page::{asset, localized};

const PAGE: &str = include_str!("../assets/phone/phone.html");
const SCRIPT: &str = include_str!("../assets/phone/phone.js");
const STYLE: &str = include_str!("../assets/phone/phone.css");

/// The page's languages and their strings; the first is the fallback.
const STRINGS: [(&str, &str); 4] = [
    ("en", include_str!("../../../locales/phone/en.json")),
    ("cs", include_str!("../../../locales/phone/cs.json")),
    ("bg", include_str!("../../../locales/phone/bg.json")),
    ("uk", include_str!("../../../locales/phone/uk.json")),
];

pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/phone", get(page))
        .route("/phone/assets/phone.js", get(|| async { asset("text/javascript; charset=utf-8", SCRIPT) }))
        .route("/phone/assets/phone.css", get(|| async { asset("text/css; charset=utf-8", STYLE) }))
}

#[derive(Deserialize)]
struct PageQuery {
    lang: Option<String>,
}

async fn page(Query(q): Query<PageQuery>, headers: HeaderMap) -> impl IntoResponse {
    let html = localized(PAGE, &STRINGS, q.lang.as_deref(), &headers);
    ([(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))], Html(html))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_the_same_strings_and_every_state_and_error_the_page_uses() {
        let keys = |json: &str| -> Vec<String> {
            let map: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(json).expect("valid JSON");
            map.keys().cloned().collect()
        };
        let english = keys(STRINGS[0].1);
        for state in hovor_types::voice::PhoneState::ALL {
            assert!(english.contains(&format!("state_{}", state.as_str())), "{state:?} has no text");
        }
        assert!(english.contains(&"state_ringing".to_owned()), "an incoming call has no text");
        for rule in ["required", "malformed", "not_an_option", "rate_limited", "no_call", "generic"] {
            assert!(english.contains(&format!("error_{rule}")), "error_{rule} has no text");
        }
        for (code, json) in STRINGS {
            assert_eq!(keys(json), english, "the keys of locales/phone/{code}.json");
        }
    }
}
