//! The directory: contacts (people) and accounts (companies), their details, and the rules for editing
//! and merging them.

use serde::{Deserialize, Serialize};

use crate::Millis;
use crate::chat::looks_like_email;
use crate::error::{FieldError, Rule};
use crate::validate::{self, looks_like_phone};

pub const NAME_MAX: usize = 100;
pub const DETAIL_MAX: usize = 200;
pub const LABEL_MAX: usize = 40;
pub const CITY_MAX: usize = 100;
pub const STREET_MAX: usize = 200;
pub const POSTCODE_MAX: usize = 20;

/// Languages a contact can be served in (the desk's own languages).
pub const LANGUAGES: &[&str] = &["en", "cs", "bg", "uk"];

crate::string_enum! {
    /// A contact's reachable detail: several of each are allowed.
    pub enum DetailKind {
        Phone = "phone",
        Email = "email",
        /// A custom identifier (customer number, loyalty card): `label` names it.
        Identifier = "identifier",
    }
}

/// A phone, an email or a custom identifier; one phone and one email are the default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactPoint {
    pub id: i64,
    pub value: String,
    /// "mobile", "work", "home", ...; for an identifier, its name.
    pub label: String,
    pub is_default: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Address {
    pub id: i64,
    pub label: String,
    pub street: String,
    pub city: String,
    pub postcode: String,
    pub country: String,
}

impl Address {
    /// "street, postcode, city, country", leaving out the empty parts.
    pub fn one_line(&self) -> String {
        [&self.street, &self.postcode, &self.city, &self.country]
            .into_iter()
            .filter(|part| !part.is_empty())
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    pub id: i64,
    pub version: i64,
    pub first_name: String,
    pub last_name: String,
    pub language: String,
    pub account_id: Option<i64>,
    pub phones: Vec<ContactPoint>,
    pub emails: Vec<ContactPoint>,
    pub identifiers: Vec<ContactPoint>,
    pub addresses: Vec<Address>,
}

impl Contact {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    pub fn default_phone(&self) -> Option<&ContactPoint> {
        self.phones.iter().find(|p| p.is_default)
    }

    pub fn default_email(&self) -> Option<&ContactPoint> {
        self.emails.iter().find(|p| p.is_default)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactRef {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Account {
    pub id: i64,
    pub version: i64,
    pub name: String,
    pub city: String,
    pub country: String,
    pub primary_contact: Option<ContactRef>,
    pub phones: Vec<ContactPoint>,
    pub emails: Vec<ContactPoint>,
    pub identifiers: Vec<ContactPoint>,
    pub addresses: Vec<Address>,
}

/// What the customer pane shows for a conversation; both parts are absent for an unknown visitor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerCard {
    pub contact: Option<Contact>,
    pub account: Option<Account>,
    /// What the conversation knows about an unlinked customer, to prefill Add contact.
    pub known: KnownCustomer,
}

/// The visitor's own name, email and phone as the conversation learned them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct KnownCustomer {
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    /// A call's number, to keep on a new contact; none where the queue protects sensitive data.
    pub phone: Option<String>,
    /// A call's number as the desk may show it: its last 4 digits where the queue protects
    /// sensitive data (a CRM's screen pop looks the customer up by it).
    pub shown_phone: Option<String>,
    pub language: Option<String>,
}

/// The editable fields of a contact. On create, `version` is ignored; on edit it is required.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactFields {
    pub version: Option<i64>,
    pub first_name: String,
    pub last_name: String,
    pub language: String,
    pub account_id: Option<i64>,
}

pub fn validate_contact(c: &ContactFields) -> Result<(), FieldError> {
    validate::text("first_name", &c.first_name, true, NAME_MAX)?;
    validate::text("last_name", &c.last_name, true, NAME_MAX)?;
    if !LANGUAGES.contains(&c.language.as_str()) {
        return Err(FieldError::new("language", Rule::NotAnOption));
    }
    Ok(())
}

/// A new contact with its first details (each optional), as Add contact sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewContact {
    pub fields: ContactFields,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// Link the new contact to this conversation at once.
    #[serde(default)]
    pub link_conversation: Option<i64>,
}

pub fn validate_new_contact(c: &NewContact) -> Result<(), FieldError> {
    validate_contact(&c.fields)?;
    if let Some(phone) = c.phone.as_deref().filter(|p| !p.trim().is_empty()) {
        detail_value("phone", DetailKind::Phone, phone)?;
    }
    if let Some(email) = c.email.as_deref().filter(|e| !e.trim().is_empty()) {
        detail_value("email", DetailKind::Email, email)?;
    }
    Ok(())
}

/// Add detail: a phone, an email or an identifier, also when the contact has one already.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewDetail {
    pub version: Option<i64>,
    pub kind: DetailKind,
    pub label: String,
    pub value: String,
    #[serde(default)]
    pub make_default: bool,
}

pub fn validate_detail(d: &NewDetail) -> Result<(), FieldError> {
    validate::version(d.version)?;
    validate::text("label", &d.label, d.kind == DetailKind::Identifier, LABEL_MAX)?;
    detail_value("value", d.kind, &d.value)
}

fn detail_value(field: &'static str, kind: DetailKind, value: &str) -> Result<(), FieldError> {
    let value = validate::text(field, value, true, DETAIL_MAX)?;
    let ok = match kind {
        DetailKind::Phone => looks_like_phone(value),
        DetailKind::Email => looks_like_email(value),
        DetailKind::Identifier => true,
    };
    if ok { Ok(()) } else { Err(FieldError::new(field, Rule::Malformed)) }
}

/// An edit of the whole contact record that carries only its version (Mark as default, remove a detail).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionOnly {
    pub version: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountFields {
    pub version: Option<i64>,
    pub name: String,
    pub city: String,
    pub country: String,
    /// On create only: the account's first phone, its default. Later phones are details.
    #[serde(default)]
    pub phone: Option<String>,
    /// Link the new account to this conversation's contact (Add account in the card).
    #[serde(default)]
    pub link_conversation: Option<i64>,
}

pub fn validate_account(a: &AccountFields) -> Result<(), FieldError> {
    validate::text("name", &a.name, true, NAME_MAX)?;
    validate::text("city", &a.city, false, CITY_MAX)?;
    validate::text("country", &a.country, false, CITY_MAX)?;
    if let Some(phone) = a.phone.as_deref().filter(|p| !p.trim().is_empty()) {
        // An edit changes phones as details (Add detail, Mark as default), not through this field.
        if a.version.is_some() {
            return Err(FieldError::new("phone", Rule::NotAnOption));
        }
        detail_value("phone", DetailKind::Phone, phone)?;
    }
    Ok(())
}

/// Add or edit an address of a contact or an account; `version` is the owner's.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddressFields {
    pub version: Option<i64>,
    /// "home", "billing", "delivery", ...
    pub label: String,
    pub street: String,
    pub city: String,
    pub postcode: String,
    pub country: String,
}

pub fn validate_address(a: &AddressFields) -> Result<(), FieldError> {
    validate::version(a.version)?;
    validate::text("label", &a.label, false, LABEL_MAX)?;
    validate::text("street", &a.street, true, STREET_MAX)?;
    validate::text("city", &a.city, true, CITY_MAX)?;
    validate::text("postcode", &a.postcode, false, POSTCODE_MAX)?;
    validate::text("country", &a.country, false, CITY_MAX)?;
    Ok(())
}

crate::string_enum! {
    pub enum Side {
        Master = "master",
        Child = "child",
    }
}

/// Which contact's value each field of the merged contact takes. Details of both are kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MergeRequest {
    pub child_id: i64,
    pub master_version: Option<i64>,
    pub child_version: Option<i64>,
    pub first_name: Side,
    pub last_name: Side,
    pub language: Side,
    pub account: Side,
}

pub fn validate_merge(master_id: i64, m: &MergeRequest) -> Result<(), FieldError> {
    validate::version(m.master_version)?;
    validate::version(m.child_version).map_err(|_| FieldError::new("child_version", Rule::Required))?;
    if m.child_id == master_id {
        return Err(FieldError::new("child_id", Rule::NotAnOption));
    }
    Ok(())
}

/// One row of the Merge details tab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MergeRecord {
    pub id: i64,
    pub master_id: i64,
    pub child_id: i64,
    pub child_name: String,
    pub interactions_moved: i64,
    pub by: String,
    pub at: Millis,
    pub undone_at: Option<Millis>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> ContactFields {
        ContactFields {
            version: None,
            first_name: "Jana".into(),
            last_name: "Nováková".into(),
            language: "cs".into(),
            account_id: None,
        }
    }

    #[test]
    fn contact_needs_names_and_a_served_language() {
        assert!(validate_contact(&fields()).is_ok());
        let blank = ContactFields { first_name: "  ".into(), ..fields() };
        assert_eq!(validate_contact(&blank).unwrap_err(), FieldError::new("first_name", Rule::Required));
        let klingon = ContactFields { language: "tlh".into(), ..fields() };
        assert_eq!(validate_contact(&klingon).unwrap_err().rule, Rule::NotAnOption);
    }

    #[test]
    fn details_are_checked_by_kind() {
        let detail = |kind, label: &str, value: &str| NewDetail {
            version: Some(1),
            kind,
            label: label.into(),
            value: value.into(),
            make_default: false,
        };
        assert!(validate_detail(&detail(DetailKind::Phone, "mobile", "+420 602 123 456")).is_ok());
        assert_eq!(validate_detail(&detail(DetailKind::Phone, "", "12")).unwrap_err().field, "value");
        assert_eq!(
            validate_detail(&detail(DetailKind::Email, "", "jana@")).unwrap_err().rule,
            Rule::Malformed
        );
        assert_eq!(validate_detail(&detail(DetailKind::Identifier, "", "C-1")).unwrap_err().field, "label");
        let unversioned = NewDetail { version: None, ..detail(DetailKind::Identifier, "Card", "77") };
        assert_eq!(validate_detail(&unversioned).unwrap_err().field, "version");
    }

    #[test]
    fn a_contact_cannot_merge_into_itself() {
        let m = MergeRequest {
            child_id: 4,
            master_version: Some(1),
            child_version: Some(1),
            first_name: Side::Master,
            last_name: Side::Child,
            language: Side::Master,
            account: Side::Master,
        };
        assert!(validate_merge(3, &m).is_ok());
        assert_eq!(validate_merge(4, &m).unwrap_err().field, "child_id");
    }

    #[test]
    fn an_address_needs_a_street_and_a_city_within_their_lengths() {
        let ok = AddressFields {
            version: Some(1),
            label: "home".into(),
            street: "Lidická 3".into(),
            city: "Brno".into(),
            postcode: "602 00".into(),
            country: "Česko".into(),
        };
        assert_eq!(validate_address(&ok), Ok(()));
        let blank_street = AddressFields { street: "  ".into(), ..ok.clone() };
        assert_eq!(validate_address(&blank_street).unwrap_err().field, "street");
        let long_postcode = AddressFields { postcode: "1".repeat(POSTCODE_MAX + 1), ..ok.clone() };
        assert_eq!(validate_address(&long_postcode).unwrap_err().field, "postcode");
        assert_eq!(validate_address(&AddressFields { version: None, ..ok }).unwrap_err().field, "version");
    }

    #[test]
    fn an_account_takes_a_phone_only_when_it_is_created() {
        let new = AccountFields {
            version: None,
            name: "Zvonek".into(),
            city: String::new(),
            country: String::new(),
            phone: Some("+420 585 000 111".into()),
            link_conversation: None,
        };
        assert_eq!(validate_account(&new), Ok(()));
        let edit = AccountFields { version: Some(3), ..new };
        assert_eq!(validate_account(&edit).unwrap_err().field, "phone");
    }
}
