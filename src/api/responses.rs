//! Standard responses at the desk: Find and `#`, favourites, categories, placeholder values.

use std::collections::BTreeMap;

use hovor_types::response::{ResponseCategory, SelectCategory, SuggestedResponse};

use super::client::{self, ApiError};

/// Find and `#` in the conversation's language: favourites first, then the rest, each ranked.
pub async fn search(conversation: i64, query: &str) -> Result<Vec<SuggestedResponse>, ApiError> {
    let q = js_sys::encode_uri_component(query);
    client::get(&format!("/api/responses?conversation={conversation}&q={q}")).await
}

/// The agent's favourites in the conversation's language.
pub async fn favourites(conversation: i64) -> Result<Vec<SuggestedResponse>, ApiError> {
    client::get(&format!("/api/responses/favourites?conversation={conversation}")).await
}

pub async fn add_favourite(id: i64) -> Result<(), ApiError> {
    client::put_empty(&format!("/api/responses/{id}/favourite"), &()).await
}

pub async fn remove_favourite(id: i64) -> Result<(), ApiError> {
    client::delete(&format!("/api/responses/{id}/favourite")).await
}

pub async fn categories() -> Result<Vec<ResponseCategory>, ApiError> {
    client::get("/api/response-categories").await
}

pub async fn select_category(conversation: i64, category_id: i64) -> Result<(), ApiError> {
    client::post_empty(
        &format!("/api/conversations/{conversation}/categories"),
        &SelectCategory { category_id },
        None,
    )
    .await
}

pub async fn placeholder_values(conversation: i64) -> Result<BTreeMap<String, String>, ApiError> {
    client::get(&format!("/api/conversations/{conversation}/placeholders")).await
}
