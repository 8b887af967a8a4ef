//! The customer card: a contact (person) and the account (company) it belongs to.

use serde::{Deserialize, Serialize};

/// A phone number or an email address; one of each kind is the default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactPoint {
    pub id: i64,
    pub value: String,
    /// "mobile", "work", "home", ...
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub language: String,
    pub phones: Vec<ContactPoint>,
    pub emails: Vec<ContactPoint>,
    pub addresses: Vec<Address>,
}

impl Contact {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
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
    pub name: String,
    pub city: String,
    pub country: String,
    pub phone: Option<String>,
    pub primary_contact: Option<ContactRef>,
}

/// What the customer pane shows for a conversation; both parts are absent for an unknown visitor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerCard {
    pub contact: Option<Contact>,
    pub account: Option<Account>,
}
