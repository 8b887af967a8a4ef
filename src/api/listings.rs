//! Listings → Interactions: a page of the list, its count, an interaction's detail with its pairing to
//! a contact or a case, and the export's download, all with the signed-in user's rights on the server.

use gloo_net::http::Response;
use hovor_types::case::LinkCase;
use hovor_types::conversation::SetContact;
use hovor_types::customer::NewContact;
use hovor_types::listing::{
    ExportFormat, InteractionCount, InteractionDetail, InteractionPage, InteractionQuery, InteractionRow,
    LinkedCase, ListingChoices, ListingRights, Named, QueueGroup, SetActive,
};
use hovor_types::quality::{NewReview, Review, Scorecard};
use hovor_types::retention::{RetentionRules, RetentionRun, RunRequest};
use web_sys::AbortSignal;

use super::client::{self, ApiError};

/// The query as the server reads it (`channel=email&time=today&…`); unset fields are left out.
pub fn query_string(query: &InteractionQuery) -> String {
    let fields = [
        ("channel", query.channel.map(|c| c.as_str().to_owned())),
        ("time", query.time.map(|t| t.as_str().to_owned())),
        ("from", query.from.clone()),
        ("to", query.to.clone()),
        ("zone", query.zone.clone()),
        ("users", query.users.clone()),
        ("queues", query.queues.clone()),
        ("contact", query.contact.map(|c| c.to_string())),
        ("text", query.text.clone()),
        ("status", query.status.map(|s| s.as_str().to_owned())),
        ("direction", query.direction.map(|d| d.as_str().to_owned())),
        ("sort", query.sort.map(|s| s.as_str().to_owned())),
        ("desc", query.desc.map(|d| d.to_string())),
        ("page", query.page.map(|p| p.to_string())),
        ("advanced", query.advanced.clone()),
    ];
    fields
        .into_iter()
        .filter_map(|(name, value)| value.filter(|v| !v.is_empty()).map(|v| (name, v)))
        .map(|(name, value)| format!("{name}={}", String::from(js_sys::encode_uri_component(&value))))
        .collect::<Vec<_>>()
        .join("&")
}

pub async fn page(query: &InteractionQuery) -> Result<InteractionPage, ApiError> {
    client::get(&format!("/api/interactions?{}", query_string(query))).await
}

pub async fn count(query: &InteractionQuery) -> Result<InteractionCount, ApiError> {
    client::get(&format!("/api/interactions/count?{}", query_string(query))).await
}

/// The users and queues the filters offer (those whose interactions the user may see).
pub async fn choices() -> Result<ListingChoices, ApiError> {
    client::get("/api/interactions/choices").await
}

/// The detail a unique name (`email-12`, `activity-40`) names.
pub async fn detail(name: &str) -> Result<InteractionDetail, ApiError> {
    let name = String::from(js_sys::encode_uri_component(name));
    client::get(&format!("/api/interactions/named/{name}")).await
}

/// Removes the interaction's personal data for good; its tombstone's row.
pub async fn anonymise(interaction_id: i64) -> Result<InteractionRow, ApiError> {
    client::post(&format!("/api/interactions/{interaction_id}/anonymise"), &(), None).await
}

/// The retention rules (administrators).
pub async fn retention_rules() -> Result<RetentionRules, ApiError> {
    client::get("/api/admin/retention/rules").await
}

pub async fn set_retention_rules(rules: &RetentionRules) -> Result<RetentionRules, ApiError> {
    client::put("/api/admin/retention/rules", rules).await
}

/// Runs retention now: dry (counts only) or real.
pub async fn run_retention(dry_run: bool) -> Result<RetentionRun, ApiError> {
    client::post("/api/admin/retention/runs", &RunRequest { dry_run }, None).await
}

/// The latest retention runs, newest first.
pub async fn retention_runs() -> Result<Vec<RetentionRun>, ApiError> {
    client::get("/api/admin/retention/runs").await
}

/// The interaction's quality reviews.
pub async fn reviews(interaction_id: i64) -> Result<Vec<Review>, ApiError> {
    client::get(&format!("/api/interactions/{interaction_id}/reviews")).await
}

/// The scorecards a review is made against.
pub async fn scorecards() -> Result<Vec<Scorecard>, ApiError> {
    client::get("/api/qa/scorecards").await
}

pub async fn add_review(interaction_id: i64, review: &NewReview) -> Result<Review, ApiError> {
    client::post(&format!("/api/interactions/{interaction_id}/reviews"), review, None).await
}

/// The export's answer, its body still to be read (and abandoned through `signal`).
pub async fn export(
    query: &InteractionQuery,
    format: ExportFormat,
    language: &str,
    signal: &AbortSignal,
) -> Result<Response, ApiError> {
    let path = format!(
        "/api/interactions/export?format={}&lang={language}&{}",
        format.as_str(),
        query_string(query)
    );
    client::get_response(&path, signal).await
}

/// Pairs the interaction with a contact (or none); its row as it now is.
pub async fn pair(interaction_id: i64, contact_id: Option<i64>) -> Result<InteractionRow, ApiError> {
    let body = SetContact { contact_id };
    client::put(&format!("/api/interactions/{interaction_id}/contact"), &body).await
}

/// Puts the interaction into a case (or none); its row as it now is.
/// The case the interaction belongs to, with its interactions the user may see.
pub async fn linked_case(interaction_id: i64) -> Result<LinkedCase, ApiError> {
    client::get(&format!("/api/interactions/{interaction_id}/case")).await
}

pub async fn merge_into_case(interaction_id: i64, case_id: Option<i64>) -> Result<InteractionRow, ApiError> {
    client::put(&format!("/api/interactions/{interaction_id}/case"), &LinkCase { case_id }).await
}

/// A directory entry or a case, read for its id and name only (the rest of it is not needed here).
#[derive(serde::Deserialize)]
struct Found {
    id: i64,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    detail: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    title: String,
}

/// Contacts the directory finds for `query`: their ids and names with a detail to tell namesakes apart.
pub async fn find_contacts(query: &str) -> Result<Vec<Named>, ApiError> {
    #[derive(serde::Deserialize)]
    struct Page {
        entries: Vec<Found>,
    }
    let query = String::from(js_sys::encode_uri_component(query));
    let page: Page = client::get(&format!("/api/directory?q={query}&page=0")).await?;
    Ok(page
        .entries
        .into_iter()
        .filter(|e| e.kind.as_deref() == Some("contact"))
        .map(|e| {
            let name = if e.detail.is_empty() { e.name } else { format!("{} · {}", e.name, e.detail) };
            Named { id: e.id, name }
        })
        .collect())
}

/// Cases whose number or title has `query`: their ids, numbers and titles.
pub async fn find_cases(query: &str) -> Result<Vec<Named>, ApiError> {
    let query = String::from(js_sys::encode_uri_component(query));
    let found: Vec<Found> = client::get(&format!("/api/cases?q={query}")).await?;
    Ok(found.into_iter().map(|c| Named { id: c.id, name: format!("{} · {}", c.number, c.title) }).collect())
}

/// Adds a contact; its id.
pub async fn create_contact(new: &NewContact) -> Result<i64, ApiError> {
    let created: Found = client::post("/api/contacts", new, None).await?;
    Ok(created.id)
}

/// Deactivates a user or activates them again (administrators).
pub async fn set_user_active(user_id: i64, active: bool) -> Result<(), ApiError> {
    client::put_empty(&format!("/api/admin/users/{user_id}/active"), &SetActive { active }).await
}

/// Deactivates a queue or activates it again (administrators).
pub async fn set_queue_active(queue_id: i64, active: bool) -> Result<(), ApiError> {
    client::put_empty(&format!("/api/admin/queues/{queue_id}/active"), &SetActive { active }).await
}

/// The group a queue is listed under (administrators).
pub async fn set_queue_group(queue_id: i64, group: &QueueGroup) -> Result<(), ApiError> {
    client::put_empty(&format!("/api/admin/queues/{queue_id}/group"), group).await
}

/// Whose interactions a user may list besides their own (administrators).
pub async fn rights(user_id: i64) -> Result<ListingRights, ApiError> {
    client::get(&format!("/api/admin/users/{user_id}/listing-rights")).await
}

pub async fn set_rights(user_id: i64, rights: &ListingRights) -> Result<(), ApiError> {
    client::put_empty(&format!("/api/admin/users/{user_id}/listing-rights"), rights).await
}
