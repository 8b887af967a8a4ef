//! What every API request passes before and after its handler: the header size limit, the refusal of
//! foreign state-changing requests, and the typed body for errors raised outside any handler (an
//! unknown path, a wrong method, a body over the limit).

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// Largest total size of a request's headers: a session cookie and the usual browser headers fit many
/// times over. (hyper refuses still larger ones, around 400 KB, with a bare 431 before any of this runs.)
pub const HEADERS_MAX_BYTES: usize = 16 * 1024;

/// Who may send state-changing requests from a browser: this server's own pages, and the host sites
/// allowed to embed the chat.
#[derive(Clone, Debug, Default)]
pub struct Origins {
    /// This server's public origin (`--public-url`), when known.
    pub public: Option<String>,
    /// Host sites whose pages may call the chat API.
    pub chat_hosts: Vec<String>,
}

/// The API's guard: refuses oversized headers and foreign state-changing requests, and gives every
/// error answer without a typed body (from axum or tower) the `ErrorBody` of its status.
pub async fn api_edge(State(origins): State<Origins>, request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    if headers_size(request.headers()) > HEADERS_MAX_BYTES {
        return AppError::HeadersTooLarge.into_response();
    }
    if is_state_changing(request.method()) && !same_site(&request, &origins) {
        return AppError::Forbidden.into_response();
    }
    let response = next.run(request).await;
    typed(response)
}

fn headers_size(headers: &HeaderMap) -> usize {
    headers.iter().map(|(name, value)| name.as_str().len() + value.len() + 4).sum()
}

fn is_state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether a state-changing request comes from this site (or a client that is not a browser): a
/// browser sends `Origin` on every such request and `Sec-Fetch-Site` from a foreign page; the chat API
/// also accepts the allowed host sites.
fn same_site(request: &Request, origins: &Origins) -> bool {
    let headers = request.headers();
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let chat = request.uri().path().starts_with("/api/chat/");
    let allowed_host = |o: &str| chat && origins.chat_hosts.iter().any(|h| h == o);
    if let Some(origin) = origin {
        if origin == "null" {
            return false;
        }
        return is_own_origin(origin, headers, origins.public.as_deref()) || allowed_host(origin);
    }
    // No Origin: not a browser's cross-site request, unless the fetch metadata says so.
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    !matches!(site, Some("cross-site"))
}

/// The request's origin is this server's: the configured public URL, or the Host the request was sent to.
fn is_own_origin(origin: &str, headers: &HeaderMap, public: Option<&str>) -> bool {
    if let Some(public) = public {
        return origin.eq_ignore_ascii_case(public.trim_end_matches('/'));
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let bare = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    !host.is_empty() && bare.eq_ignore_ascii_case(host)
}

/// An error answer that is not JSON yet becomes the `ErrorBody` of its status.
fn typed(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let error = match status {
        StatusCode::NOT_FOUND => AppError::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::UnsupportedMediaType,
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => AppError::HeadersTooLarge,
        StatusCode::UNAUTHORIZED => AppError::Unauthenticated,
        StatusCode::FORBIDDEN => AppError::Forbidden,
        s if s.is_client_error() => AppError::bad_request("The request could not be read."),
        _ => AppError::Internal(anyhow::anyhow!("untyped {status} answer")),
    };
    let (mut parts, _) = response.into_parts();
    let typed = error.into_response();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json"));
    Response::from_parts(parts, typed.into_body())
}

/// Any `/api/…` path no route serves: 404 with a typed body, never the app's HTML.
pub async fn unknown_api_path() -> AppError {
    AppError::NotFound
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn request(method: Method, path: &str, headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder().method(method).uri(path).header("host", "hovor.example:8080");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(Body::empty()).unwrap()
    }

    #[test]
    fn refuses_foreign_origins_but_not_its_own_or_non_browsers() {
        let origins = Origins { public: None, chat_hosts: vec!["https://shop.example".into()] };
        let post =
            |path: &str, headers: &[(&str, &str)]| same_site(&request(Method::POST, path, headers), &origins);
        assert!(post("/api/session", &[("origin", "http://hovor.example:8080")]));
        assert!(post("/api/session", &[]), "curl and other API clients send no Origin");
        assert!(!post("/api/session", &[("origin", "https://evil.example")]));
        assert!(!post("/api/session", &[("sec-fetch-site", "cross-site")]));
        assert!(!post("/api/session", &[("origin", "null")]));
        assert!(post("/api/chat/messages", &[("origin", "https://shop.example")]));
        assert!(!post("/api/session", &[("origin", "https://shop.example")]), "chat hosts only reach chat");
        let public = Origins { public: Some("https://desk.example/".into()), chat_hosts: vec![] };
        let req = request(Method::POST, "/api/session", &[("origin", "https://desk.example")]);
        assert!(same_site(&req, &public));
        let req = request(Method::POST, "/api/session", &[("origin", "http://hovor.example:8080")]);
        assert!(!same_site(&req, &public), "behind a proxy only the public origin counts");
    }
}
