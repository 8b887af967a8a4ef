//! Customer records: the directory, contacts and accounts, merges, cases, history and session data.

use hovor_types::audit::AuditEntry;
use hovor_types::case::{CaseFields, CaseInfo, CasePane, LinkCase};
use hovor_types::conversation::{SetContact, StartOutbound, TaskSummary};
use hovor_types::customer::{
    Account, AccountFields, AddressFields, Contact, ContactFields, CustomerCard, MergeRecord, MergeRequest,
    NewContact, NewDetail, VersionOnly,
};
use hovor_types::directory::DirectoryPage;
use hovor_types::history::{HistoryPage, Transcript};
use hovor_types::session_data::{
    AddTag, CustomDataEdit, OperatorNote, OperatorNoteEdit, Parameter, ParameterEdit, SessionData, Tag,
};
use hovor_types::timeline::{NewNote, TimelineEntry};

use std::future::Future;

use super::client::{self, ApiError};

/// Encodes a search for a query string.
fn encode(s: &str) -> String {
    js_sys::encode_uri_component(s).into()
}

pub async fn directory(query: &str, page: u32) -> Result<DirectoryPage, ApiError> {
    client::get(&format!("/api/directory?q={}&page={page}", encode(query))).await
}

pub async fn contact(id: i64) -> Result<Contact, ApiError> {
    client::get(&format!("/api/contacts/{id}")).await
}

pub async fn create_contact(new: &NewContact) -> Result<Contact, ApiError> {
    client::post("/api/contacts", new, None).await
}

pub async fn save_contact(id: i64, fields: &ContactFields) -> Result<Contact, ApiError> {
    client::put(&format!("/api/contacts/{id}"), fields).await
}

pub async fn delete_contact(id: i64, version: i64) -> Result<(), ApiError> {
    client::delete(&format!("/api/contacts/{id}?version={version}")).await
}

/// Whose details an edit changes: a contact's or an account's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DetailOwner {
    Contact(i64),
    Account(i64),
}

/// The owner as it is after a detail edit.
pub enum Saved {
    Contact(Contact),
    Account(Account),
}

impl DetailOwner {
    fn path(self) -> String {
        match self {
            DetailOwner::Contact(id) => format!("/api/contacts/{id}"),
            DetailOwner::Account(id) => format!("/api/accounts/{id}"),
        }
    }
}

/// Sends one detail edit and reads the owner back as the right record type.
async fn detail_edit<F, A>(owner: DetailOwner, contact: F, account: A) -> Result<Saved, ApiError>
where
    F: Future<Output = Result<Contact, ApiError>>,
    A: Future<Output = Result<Account, ApiError>>,
{
    match owner {
        DetailOwner::Contact(_) => contact.await.map(Saved::Contact),
        DetailOwner::Account(_) => account.await.map(Saved::Account),
    }
}

pub async fn add_detail(owner: DetailOwner, detail: &NewDetail) -> Result<Saved, ApiError> {
    let path = format!("{}/details", owner.path());
    detail_edit(owner, client::post(&path, detail, None), client::post(&path, detail, None)).await
}

pub async fn make_default(owner: DetailOwner, detail: i64, version: i64) -> Result<Saved, ApiError> {
    let path = format!("{}/details/{detail}/default", owner.path());
    let body = VersionOnly { version: Some(version) };
    detail_edit(owner, client::put(&path, &body), client::put(&path, &body)).await
}

pub async fn remove_detail(owner: DetailOwner, detail: i64, version: i64) -> Result<Saved, ApiError> {
    let path = format!("{}/details/{detail}?version={version}", owner.path());
    detail_edit(owner, client::delete_json(&path), client::delete_json(&path)).await
}

pub async fn add_address(owner: DetailOwner, address: &AddressFields) -> Result<Saved, ApiError> {
    let path = format!("{}/addresses", owner.path());
    detail_edit(owner, client::post(&path, address, None), client::post(&path, address, None)).await
}

pub async fn save_address(owner: DetailOwner, id: i64, address: &AddressFields) -> Result<Saved, ApiError> {
    let path = format!("{}/addresses/{id}", owner.path());
    detail_edit(owner, client::put(&path, address), client::put(&path, address)).await
}

pub async fn remove_address(owner: DetailOwner, id: i64, version: i64) -> Result<Saved, ApiError> {
    let path = format!("{}/addresses/{id}?version={version}", owner.path());
    detail_edit(owner, client::delete_json(&path), client::delete_json(&path)).await
}

pub async fn audit(record: &str, id: i64) -> Result<Vec<AuditEntry>, ApiError> {
    client::get(&format!("/api/{record}/{id}/audit")).await
}

pub async fn merge(master: i64, request: &MergeRequest) -> Result<Contact, ApiError> {
    client::post(&format!("/api/contacts/{master}/merge"), request, None).await
}

pub async fn merges(id: i64) -> Result<Vec<MergeRecord>, ApiError> {
    client::get(&format!("/api/contacts/{id}/merges")).await
}

pub async fn undo_merge(id: i64) -> Result<Contact, ApiError> {
    client::post(&format!("/api/contacts/{id}/merges/undo"), &(), None).await
}

pub async fn account(id: i64) -> Result<Account, ApiError> {
    client::get(&format!("/api/accounts/{id}")).await
}

pub async fn create_account(fields: &AccountFields) -> Result<Account, ApiError> {
    client::post("/api/accounts", fields, None).await
}

pub async fn save_account(id: i64, fields: &AccountFields) -> Result<Account, ApiError> {
    client::put(&format!("/api/accounts/{id}"), fields).await
}

pub async fn delete_account(id: i64, version: i64) -> Result<(), ApiError> {
    client::delete(&format!("/api/accounts/{id}?version={version}")).await
}

pub async fn set_contact(conversation: i64, contact_id: Option<i64>) -> Result<CustomerCard, ApiError> {
    client::put(&format!("/api/conversations/{conversation}/contact"), &SetContact { contact_id }).await
}

pub async fn start_outbound(conversation: i64, request: StartOutbound) -> Result<TaskSummary, ApiError> {
    client::post(&format!("/api/conversations/{conversation}/outbound"), &request, None).await
}

pub async fn history(contact: i64, page: u32) -> Result<HistoryPage, ApiError> {
    client::get(&format!("/api/contacts/{contact}/history?page={page}")).await
}

pub async fn transcript(contact: i64, conversation: i64) -> Result<Transcript, ApiError> {
    client::get(&format!("/api/contacts/{contact}/history/{conversation}")).await
}

pub async fn find_cases(query: &str) -> Result<Vec<CaseInfo>, ApiError> {
    client::get(&format!("/api/cases?q={}", encode(query))).await
}

pub async fn create_case(fields: &CaseFields) -> Result<CaseInfo, ApiError> {
    client::post("/api/cases", fields, None).await
}

pub async fn save_case(id: i64, fields: &CaseFields) -> Result<CaseInfo, ApiError> {
    client::put(&format!("/api/cases/{id}"), fields).await
}

pub async fn link_case(conversation: i64, case_id: Option<i64>) -> Result<CasePane, ApiError> {
    client::put(&format!("/api/conversations/{conversation}/case"), &LinkCase { case_id }).await
}

pub async fn add_note(conversation: i64, note: &NewNote) -> Result<TimelineEntry, ApiError> {
    client::post(&format!("/api/conversations/{conversation}/notes"), note, None).await
}

/// Drawn in the `panes` chunk and decoded there.
pub async fn session(conversation: i64) -> Result<client::Encoded<SessionData>, ApiError> {
    client::get_encoded(&format!("/api/conversations/{conversation}/session")).await
}

pub async fn add_tag(conversation: i64, tag: &AddTag) -> Result<Vec<Tag>, ApiError> {
    client::post(&format!("/api/conversations/{conversation}/tags"), tag, None).await
}

pub async fn remove_tag(conversation: i64, tag: i64) -> Result<Vec<Tag>, ApiError> {
    client::delete_json(&format!("/api/conversations/{conversation}/tags/{tag}")).await
}

pub async fn save_operator_note(
    conversation: i64,
    edit: &OperatorNoteEdit,
) -> Result<OperatorNote, ApiError> {
    client::put(&format!("/api/conversations/{conversation}/operator-note"), edit).await
}

pub async fn save_parameter(conversation: i64, edit: &ParameterEdit) -> Result<Parameter, ApiError> {
    client::put(&format!("/api/conversations/{conversation}/parameters"), edit).await
}

pub async fn save_custom_data(conversation: i64, edit: &CustomDataEdit) -> Result<SessionData, ApiError> {
    client::put(&format!("/api/conversations/{conversation}/custom-data"), edit).await
}
