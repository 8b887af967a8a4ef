//! Serves the built app: pre-compressed files when the browser accepts them, `index.html` for deep links.

use std::path::Path;

use axum::http::{HeaderValue, header};
use base64::Engine;
use sha2::{Digest, Sha256};
use tower::Layer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};

pub fn service(dist: &Path) -> SetResponseHeader<ServeDir<ServeFile>, HeaderValue> {
    let dir = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(ServeFile::new(dist.join("index.html")).precompressed_br().precompressed_gzip());
    // index.html must always be revalidated (it names the current build); the stylesheet and icon beside
    // it are revalidated too, which costs a 304.
    SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))
        .layer(dir)
}

/// `/app/<build>/…`: the wasm, its JavaScript and the chunks, under a directory named by their content
/// hash, so they never change and are cached for good. A file that is not there (a tab still running
/// an earlier build asks for its chunk) is a 404, never `index.html`.
pub fn app_files(dist: &Path) -> SetResponseHeader<ServeDir, HeaderValue> {
    let dir = ServeDir::new(dist.join("app")).precompressed_br().precompressed_gzip();
    SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    )
    .layer(dir)
}

/// The built `index.html`, which the first paint of `/desk/{id}` draws into.
pub fn index_page(dist: &Path) -> anyhow::Result<std::sync::Arc<str>> {
    std::fs::read_to_string(dist.join("index.html"))
        .map(Into::into)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", dist.join("index.html").display()))
}

/// The Content-Security-Policy for every response: only our own origin, plus exactly the inline
/// scripts of the built `index.html` (the app's start script), allowed by their SHA-256, and no page
/// in a frame (the embedded desk names its one host instead: `embed.rs`).
pub fn content_security_policy(dist: Option<&Path>) -> anyhow::Result<HeaderValue> {
    Ok(HeaderValue::from_str(&format!("{}; frame-ancestors 'none'", policy_but_framing(dist)?))?)
}

/// Every directive of the policy but `frame-ancestors`.
pub fn policy_but_framing(dist: Option<&Path>) -> anyhow::Result<String> {
    let index = match dist {
        Some(dist) => std::fs::read_to_string(dist.join("index.html"))
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", dist.join("index.html").display()))?,
        None => String::new(),
    };
    let hashes: String = inline_scripts(&index)
        .map(|script| {
            let digest = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes()));
            format!(" 'sha256-{digest}'")
        })
        .collect();
    Ok(format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; object-src 'none'; base-uri 'none'"
    ))
}

/// The bodies of `<script>` elements that have no `src`.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (attributes, rest) = rest.split_once('>')?;
        let (body, _) = rest.split_once("</script>")?;
        (!attributes.contains("src=")).then_some(body)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inline_scripts_are_hashed() {
        let html = "<script src=\"/a.js\"></script><script type=\"module\">run()</script>";
        assert_eq!(inline_scripts(html).collect::<Vec<_>>(), vec!["run()"]);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), html).unwrap();
        let csp = content_security_policy(Some(dir.path())).unwrap();
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"run()"));
        assert!(csp.to_str().unwrap().contains(&format!("'sha256-{expected}'")));
        assert!(csp.to_str().unwrap().contains("frame-ancestors 'none'"));
    }

    #[tokio::test]
    async fn a_missing_app_file_is_not_found_and_present_ones_are_cached_for_good() {
        use axum::body::Body;
        use axum::http::{Request, StatusCode};
        use tower::ServiceExt;

        let dist = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dist.path().join("app/abc")).unwrap();
        std::fs::write(dist.path().join("app/abc/hovor.js"), "export {}").unwrap();
        std::fs::write(dist.path().join("index.html"), "<!doctype html>").unwrap();
        let get = |path: &str| Request::get(path).body(Body::empty()).unwrap();
        let found = app_files(dist.path()).oneshot(get("/abc/hovor.js")).await.unwrap();
        assert_eq!(found.status(), StatusCode::OK);
        assert_eq!(found.headers()[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
        let gone = app_files(dist.path()).oneshot(get("/old/split_records.wasm")).await.unwrap();
        assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    }
}
