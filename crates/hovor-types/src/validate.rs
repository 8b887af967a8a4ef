//! Field checks every record form uses: trimmed text within a length, colours, phone numbers.

use crate::error::{FieldError, Rule};

/// Checks trimmed text: present when `required`, at most `max` characters. Returns the trimmed text.
pub fn text<'a>(
    field: &'static str,
    value: &'a str,
    required: bool,
    max: usize,
) -> Result<&'a str, FieldError> {
    let trimmed = value.trim();
    if required && trimmed.is_empty() {
        return Err(FieldError::new(field, Rule::Required));
    }
    if trimmed.chars().count() > max {
        return Err(FieldError::new(field, Rule::TooLong { max }));
    }
    Ok(trimmed)
}

/// An edit must say which version of the record it was made on.
pub fn version(version: Option<i64>) -> Result<i64, FieldError> {
    version.filter(|v| *v > 0).ok_or(FieldError::new("version", Rule::Required))
}

/// `#rrggbb`, as colour inputs give it.
pub fn colour(field: &'static str, value: &str) -> Result<(), FieldError> {
    let ok = value.len() == 7 && value.starts_with('#') && value[1..].chars().all(|c| c.is_ascii_hexdigit());
    if ok { Ok(()) } else { Err(FieldError::new(field, Rule::Malformed)) }
}

/// The digits of a phone number, whatever its spacing: "+420 602-123 456" → "420602123456".
pub fn phone_digits(value: &str) -> String {
    value.chars().filter(char::is_ascii_digit).collect()
}

/// 6–15 digits (E.164), written with an optional leading `+`, spaces, dashes, dots and brackets.
pub fn looks_like_phone(value: &str) -> bool {
    let allowed = value.chars().enumerate().all(|(i, c)| {
        c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')' | '/') || (c == '+' && i == 0)
    });
    let digits = phone_digits(value).len();
    allowed && (6..=15).contains(&digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_digits_in_any_spacing() {
        assert!(looks_like_phone("+420 602 123 456"));
        assert!(looks_like_phone("(02) 9876-5432"));
        assert!(!looks_like_phone("602 12"));
        assert!(!looks_like_phone("call me"));
        assert!(!looks_like_phone("60+2123456"));
        assert_eq!(phone_digits("+420 602-123.456"), "420602123456");
    }

    #[test]
    fn colours_are_six_hex_digits() {
        assert!(colour("background", "#1a2B3c").is_ok());
        assert!(colour("background", "red").is_err());
        assert!(colour("background", "#12345").is_err());
    }

    #[test]
    fn an_edit_without_a_version_is_refused() {
        assert_eq!(version(None).unwrap_err().field, "version");
        assert_eq!(version(Some(3)), Ok(3));
    }
}
