//! The OpenAPI document: its frame and security schemes, and the finishing pass that states what every
//! route shares (its operation id, the errors the edge itself answers, a description on each answer).

use std::collections::HashMap;

use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr};

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Hovor API",
        description = "Agent desktop API. Staff routes need the session cookie; the customer's web-chat \
                       routes the chat cookie set when the chat starts; the mail gateway a bearer token. \
                       Every error answers an `ErrorBody`."
    ),
    // Enums that only query parameters name (a body's types are collected from the routes).
    components(schemas(hovor_types::error::ErrorBody, hovor_types::listing::TimePreset, hovor_types::listing::SortColumn, hovor_types::listing::ExportFormat)),
    security(("session" = []))
)]
pub struct ApiDoc;

/// The finished document: security schemes, unique operation ids, and the edge's errors on every route.
pub fn finish(mut api: OpenApi) -> OpenApi {
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "session",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            crate::auth::SESSION_COOKIE,
            "The staff session, set by POST /api/session.",
        ))),
    );
    components.add_security_scheme(
        "chat",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            crate::auth::CHAT_COOKIE,
            "The web-chat customer's conversation, set when the chat starts.",
        ))),
    );
    components.add_security_scheme(
        "phone",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            crate::auth::PHONE_COOKIE,
            "The phone page's call, set when it dials or answers.",
        ))),
    );
    components.add_security_scheme(
        "line",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            crate::auth::LINE_COOKIE,
            "The phone page's own number, set by POST /api/phone/lines.",
        ))),
    );
    components.add_security_scheme("gateway", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    components
        .add_security_scheme("callbacks_token", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    let mut repeated: HashMap<String, usize> = HashMap::new();
    for item in api.paths.paths.values_mut() {
        for (_, operation) in operations(item) {
            *repeated.entry(tagged_name(operation)).or_default() += 1;
        }
    }
    for (path, item) in api.paths.paths.iter_mut() {
        let parameterised = path.contains('{');
        for (method, operation) in operations(item) {
            name_uniquely(path, operation, &repeated);
            add_edge_errors(operation, method, parameterised);
            describe_answers(operation);
        }
    }
    api
}

/// Operation ids are the handlers' names with their tag in front (`email_send`). Where that repeats
/// (`directory_create` for contacts and for accounts), the resource the path starts with replaces
/// the tag (`contacts_create`, `accounts_create`), so a generated client's names say what they act on.
fn tagged_name(operation: &Operation) -> String {
    let tag = operation.tags.as_ref().and_then(|t| t.first()).cloned().unwrap_or_default();
    let name = operation.operation_id.clone().unwrap_or_default();
    if tag.is_empty() { name } else { format!("{tag}_{name}") }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = (&'static str, &mut Operation)> {
    [
        ("get", item.get.as_mut()),
        ("put", item.put.as_mut()),
        ("post", item.post.as_mut()),
        ("delete", item.delete.as_mut()),
        ("patch", item.patch.as_mut()),
    ]
    .into_iter()
    .filter_map(|(method, operation)| Some((method, operation?)))
}

fn name_uniquely(path: &str, operation: &mut Operation, repeated: &HashMap<String, usize>) {
    let tagged = tagged_name(operation);
    if repeated.get(&tagged).copied().unwrap_or(0) < 2 {
        operation.operation_id = Some(tagged);
        return;
    }
    let resource = path.trim_start_matches("/api/").split('/').next().unwrap_or_default().replace('-', "_");
    let name = operation.operation_id.clone().unwrap_or_default();
    let singular = resource.trim_end_matches('s');
    operation.operation_id =
        Some(if name.starts_with(singular) { name } else { format!("{resource}_{name}") });
}

fn security_of(operation: &Operation) -> Option<String> {
    let requirements = operation.security.as_ref()?;
    let value = serde_json::to_value(requirements).ok()?;
    value.as_array()?.iter().find_map(|r| r.as_object()?.keys().next().cloned())
}

/// The errors any route of its kind can answer before or around its handler.
fn add_edge_errors(operation: &mut Operation, method: &str, parameterised: bool) {
    let public = operation.security.is_some() && security_of(operation).is_none();
    let has_body = operation.request_body.is_some();
    let has_query = operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let mut add = |status: &str| {
        operation.responses.responses.entry(status.to_owned()).or_insert_with(|| error_answer(status));
    };
    if !public {
        add("401");
    }
    if method != "get" {
        // A browser's request from a foreign origin.
        add("403");
    }
    if parameterised {
        add("404");
    }
    if has_body || has_query || parameterised {
        add("400");
    }
    if has_body {
        add("413");
        add("415");
        add("422");
    }
    add("431");
}

fn error_answer(status: &str) -> RefOr<Response> {
    let content = Content::new(Some(RefOr::Ref(Ref::from_schema_name("ErrorBody"))));
    RefOr::T(
        ResponseBuilder::new()
            .description(error_description(status))
            .content("application/json", content)
            .build(),
    )
}

fn error_description(status: &str) -> &'static str {
    match status {
        "400" => "Malformed input: bad JSON, a bad path or query value, a bad header; `field` names it.",
        "401" => "Not signed in, or the session (or chat) cookie is missing or expired.",
        "403" => "The caller's role does not allow this, or the request came from a foreign origin.",
        "404" => "Not found, or not visible to the caller (the two look the same).",
        "405" => "The path does not take this method.",
        "409" => "Conflicts with the record's current state; `reason` says why.",
        "413" => "The body is larger than the route accepts.",
        "415" => "The body is not application/json.",
        "422" => "A field broke a rule; `field` and `rule` name them (a missing field is `required`).",
        "429" => {
            "Too many requests (`rate_limited`, with `retry_after_s`) or the queue is full (`queue_full`)."
        }
        "431" => "The request's headers are too large.",
        _ => "An error; the body says which.",
    }
}

/// Every answer gets a description: an empty one is filled from its status.
fn describe_answers(operation: &mut Operation) {
    for (status, answer) in operation.responses.responses.iter_mut() {
        if let RefOr::T(answer) = answer
            && answer.description.trim().is_empty()
        {
            answer.description = match status.as_str() {
                "200" => "OK.".to_owned(),
                "201" => "Created.".to_owned(),
                "204" => "Done; no content.".to_owned(),
                other => error_description(other).to_owned(),
            };
        }
    }
}
