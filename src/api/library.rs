//! The standard responses library as an administrator edits it: categories and responses.

use hovor_types::response::{CategoryFields, ResponseCategory, ResponseFields, StandardResponse};

use super::client::{self, ApiError};

/// The record names the audit trail is read under (`GET /api/{record}/{id}/audit`).
pub const RESPONSE_RECORD: &str = "admin/responses";
pub const CATEGORY_RECORD: &str = "admin/response-categories";

pub async fn responses(category_id: i64) -> Result<Vec<StandardResponse>, ApiError> {
    client::get(&format!("/api/admin/responses?category_id={category_id}")).await
}

pub async fn create_response(fields: &ResponseFields) -> Result<StandardResponse, ApiError> {
    client::post("/api/admin/responses", fields, None).await
}

/// Saves an edit made on `fields.version`; an older version is refused with the response as it is now.
pub async fn save_response(id: i64, fields: &ResponseFields) -> Result<StandardResponse, ApiError> {
    client::put(&format!("/api/admin/responses/{id}"), fields).await
}

pub async fn delete_response(id: i64) -> Result<(), ApiError> {
    client::delete(&format!("/api/admin/responses/{id}")).await
}

pub async fn create_category(fields: &CategoryFields) -> Result<ResponseCategory, ApiError> {
    client::post("/api/admin/response-categories", fields, None).await
}

pub async fn save_category(id: i64, fields: &CategoryFields) -> Result<ResponseCategory, ApiError> {
    client::put(&format!("/api/admin/response-categories/{id}"), fields).await
}

/// Refused (409) while the category holds responses or categories.
pub async fn delete_category(id: i64) -> Result<(), ApiError> {
    client::delete(&format!("/api/admin/response-categories/{id}")).await
}
