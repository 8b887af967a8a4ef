//! Directory search: one box finds contacts and accounts by name, phone, email or identifier.

use serde::{Deserialize, Serialize};

use crate::error::{FieldError, Rule};
use crate::text::fold;
use crate::validate::phone_digits;

/// Rows per directory page.
pub const DIRECTORY_PAGE: u32 = 20;
/// The longest search the server accepts.
pub const QUERY_MAX: usize = 100;

crate::string_enum! {
    pub enum RecordKind {
        Contact = "contact",
        Account = "account",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectoryEntry {
    pub kind: RecordKind,
    pub id: i64,
    pub name: String,
    /// A contact's default email and phone, an account's city: enough to tell namesakes apart.
    pub detail: String,
    /// A contact's account name.
    pub account: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectoryPage {
    pub entries: Vec<DirectoryEntry>,
    /// Zero-based.
    pub page: u32,
    pub total: u32,
}

/// The text a record is found by: its folded names, emails and identifiers, then the digits of its
/// phones, so "novakova", "NOVÁKOVÁ" and "602 123 456" all find Jana Nováková.
pub fn search_key<'a>(
    texts: impl IntoIterator<Item = &'a str>,
    phones: impl IntoIterator<Item = &'a str>,
) -> String {
    let mut key = String::from(" ");
    for text in texts {
        key.push_str(&fold(text));
        key.push(' ');
    }
    for phone in phones {
        key.push_str(&phone_digits(phone));
        key.push(' ');
    }
    key
}

/// What each word of a search must be found as, in the record's [`search_key`]. A query of only phone
/// characters is one number whatever its spacing; otherwise every folded word must occur.
pub fn search_terms(query: &str) -> Vec<String> {
    let trimmed = query.trim();
    let phone_like = trimmed.chars().any(|c| c.is_ascii_digit())
        && trimmed.chars().all(|c| c.is_ascii_digit() || " +-./()".contains(c));
    if phone_like {
        return vec![phone_digits(trimmed)];
    }
    fold(trimmed).split_whitespace().map(str::to_owned).collect()
}

/// A search (directory or cases) must fit in [`QUERY_MAX`] characters; empty lists everything.
pub fn validate_query(query: &str) -> Result<(), FieldError> {
    if query.chars().count() > QUERY_MAX {
        return Err(FieldError::new("q", Rule::TooLong { max: QUERY_MAX }));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finds(key: &str, query: &str) -> bool {
        search_terms(query).iter().all(|t| key.contains(t.as_str()))
    }

    #[test]
    fn names_fold_and_phones_ignore_spacing() {
        let key = search_key(["Jana", "Nováková", "jana@example.cz", "C-1042"], ["+420 602 123 456"]);
        assert!(finds(&key, "NOVAKOVA"));
        assert!(finds(&key, "jana novák"));
        assert!(finds(&key, "602123456"));
        assert!(finds(&key, "+420 602-123-456"));
        assert!(finds(&key, "(602) 123 456"));
        assert!(finds(&key, "c-1042"));
        assert!(!finds(&key, "Petr"));
        assert!(!finds(&key, "603 123 456"));
    }

    #[test]
    fn cyrillic_is_found_without_case() {
        let key = search_key(["Олена", "Шевченко"], []);
        assert!(finds(&key, "шевченко"));
        assert!(finds(&key, "ОЛЕНА"));
    }

    #[test]
    fn a_query_is_limited_in_characters() {
        assert!(validate_query("").is_ok());
        assert!(validate_query(&"ž".repeat(QUERY_MAX)).is_ok());
        assert_eq!(validate_query(&"a".repeat(QUERY_MAX + 1)).unwrap_err().field, "q");
    }
}
