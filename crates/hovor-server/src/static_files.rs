//! Serves the built app: pre-compressed files when the browser accepts them, `index.html` for deep links.

use std::path::Path;

use axum::http::{HeaderValue, header};
use tower::Layer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};

pub fn service(dist: &Path) -> SetResponseHeader<ServeDir<ServeFile>, HeaderValue> {
    let dir = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(ServeFile::new(dist.join("index.html")).precompressed_br().precompressed_gzip());
    // Trunk puts a content hash in every asset name; index.html itself must always be revalidated.
    SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))
        .layer(dir)
}
