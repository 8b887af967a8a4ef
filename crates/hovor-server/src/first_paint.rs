//! `/desk/{id}` opened cold: the app's page with the agent's task list and the conversation's latest
//! messages already drawn in it, as plain HTML. On a tablet's network the app (a few hundred KB of
//! wasm) takes seconds to arrive; this first paint shows the agent what they came for meanwhile. The
//! app keeps itself hidden behind it until it has drawn the conversation, then removes it (base.css,
//! `src/components/first_paint.rs`).
//!
//! Only for a signed-in user who may see the conversation (the same check as the API's); otherwise,
//! and on any error, the plain page, exactly as every other path gets it.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use hovor_types::conversation::TaskSummary;
use hovor_types::message::Direction;
use hovor_types::timeline::{EntryKind, TimelineEntry};
use html_escape::encode_text;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::store::conversations::{self, ConversationRow};
use crate::store::timeline;

/// Messages drawn: what fills a screen, the newest at the bottom.
const MESSAGES: u32 = 8;
/// Characters of a message drawn at most (an email's body can be long).
const MESSAGE_CHARS: usize = 600;

pub fn router(state: AppState, page: Arc<str>) -> axum::Router {
    axum::Router::new()
        .route(
            "/desk/{id}",
            axum::routing::get(move |state, path, parts| desk(state, path, parts, page.clone())),
        )
        .with_state(state)
}

async fn desk(
    State(state): State<AppState>,
    Path(id): Path<String>,
    mut parts: Parts,
    page: Arc<str>,
) -> Response {
    let drawn = match id.parse::<i64>() {
        Ok(id) => drawn(&state, &mut parts, id).await.ok().flatten(),
        Err(_) => None,
    };
    match drawn {
        Some(body) => {
            let mut response = Html(page.replacen("<body>", &format!("<body>{body}"), 1)).into_response();
            // The agent's own data: never kept by a cache, never served to another cookie.
            let headers = response.headers_mut();
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            headers.insert(header::VARY, HeaderValue::from_static("Cookie"));
            response
        }
        None => {
            let mut response = Html(page.to_string()).into_response();
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            response
        }
    }
}

/// The first paint's HTML, or `None` when the page goes out plain (signed out, not visible).
async fn drawn(state: &AppState, parts: &mut Parts, id: i64) -> AppResult<Option<String>> {
    use axum::extract::FromRequestParts;
    let Ok(CurrentUser(me)) = CurrentUser::from_request_parts(parts, state).await else { return Ok(None) };
    let Ok(conversation) = conversations::visible(&state.pool, me.id, id).await else { return Ok(None) };
    let tasks = {
        let mut conn = state.pool.acquire().await?;
        conversations::tasks(&mut conn, me.id, None, None).await?
    };
    let page = timeline::page(&state.pool, me.id, &conversation, None, None, MESSAGES).await?;
    Ok(Some(render(&conversation, &tasks, &page.entries)))
}

fn render(conversation: &ConversationRow, tasks: &[TaskSummary], entries: &[TimelineEntry]) -> String {
    let mut html = String::with_capacity(4096);
    html.push_str(r#"<div id="prepaint" class="prepaint" aria-busy="true" inert>"#);
    html.push_str(r#"<header class="prepaint-bar"><span class="prepaint-brand">Hovor</span></header>"#);
    html.push_str(r#"<div class="prepaint-desk"><ul class="prepaint-tasks">"#);
    for task in tasks {
        let current = if task.id == conversation.id { r#" aria-current="page""# } else { "" };
        html.push_str(&format!(
            "<li{current}><b>{}</b><span>{}</span><span>{}</span></li>",
            encode_text(task.customer_name.as_deref().unwrap_or("")),
            encode_text(&task.queue_name),
            encode_text(task.last_message.as_deref().unwrap_or("")),
        ));
    }
    html.push_str(r#"</ul><main class="prepaint-centre">"#);
    let task = tasks.iter().find(|t| t.id == conversation.id);
    if let Some(task) = task {
        html.push_str(&format!(
            "<h1>{}</h1><p>{}</p>",
            encode_text(task.customer_name.as_deref().unwrap_or("")),
            encode_text(&task.queue_name),
        ));
    }
    html.push_str(r#"<ol class="prepaint-messages">"#);
    for entry in entries.iter().filter(|e| matches!(e.kind, EntryKind::Message | EntryKind::Note)) {
        let direction = if entry.direction == Direction::Inbound { "in" } else { "out" };
        html.push_str(&format!(
            r#"<li data-direction="{direction}"><b>{}</b><p>{}</p></li>"#,
            encode_text(&entry.author),
            encode_text(clipped(&entry.body, MESSAGE_CHARS)),
        ));
    }
    // The customer's context comes with the app; its place is kept, so nothing moves when it does.
    html.push_str(r#"</ol></main><aside class="prepaint-side"></aside></div></div>"#);
    html
}

/// At most `chars` characters of `text`, cut on a character boundary.
fn clipped(text: &str, chars: usize) -> &str {
    text.char_indices().nth(chars).map_or(text, |(at, _)| &text[..at])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clips_on_a_character_boundary() {
        assert_eq!(clipped("Dobrý den", 5), "Dobrý");
        assert_eq!(clipped("Добър ден", 3), "Доб");
        assert_eq!(clipped("short", 600), "short");
    }
}
