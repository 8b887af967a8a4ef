//! Configured texts in the desk's languages: an administrator names queues, survey questions, wrap-up
//! reasons, tags and categories once (the source text) and gives each its translations; the agent's
//! desk and the customer's chat page show them in their own language. Keyed by the source text, as
//! gettext is: a configured text needs no id of its own, and one translation serves every place the
//! same text appears.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::customer::LANGUAGES;
use crate::error::{FieldError, Rule};
use crate::validate;

/// The longest configured text that can be translated (a queue's name, a survey question…).
pub const SOURCE_MAX: usize = 200;
/// The longest translation.
pub const TEXT_MAX: usize = 200;

/// One language's translations: source text → its translation.
pub type Translations = BTreeMap<String, String>;

/// `PUT /api/admin/translations`: a configured text in one language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Translation {
    /// The configured text as the administrator wrote it.
    pub source: String,
    /// One of `en`, `cs`, `bg`, `uk`.
    pub language: String,
    pub text: String,
}

/// The text in the language of `translations`; the source when it has no translation there.
pub fn translate<'a>(translations: &'a Translations, source: &'a str) -> &'a str {
    translations.get(source).map_or(source, String::as_str)
}

/// Checks a translation; returns it trimmed.
pub fn validate_translation(t: &Translation) -> Result<Translation, FieldError> {
    let source = validate::text("source", &t.source, true, SOURCE_MAX)?;
    if !LANGUAGES.contains(&t.language.as_str()) {
        return Err(FieldError::new("language", Rule::NotAnOption));
    }
    let text = validate::text("text", &t.text, true, TEXT_MAX)?;
    Ok(Translation { source: source.to_owned(), language: t.language.clone(), text: text.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn translation(source: &str, language: &str, text: &str) -> Translation {
        Translation { source: source.into(), language: language.into(), text: text.into() }
    }

    #[test]
    fn a_text_without_a_translation_stays_as_configured() {
        let bg = Translations::from([("Technical support".to_owned(), "Техническа поддръжка".to_owned())]);
        assert_eq!(translate(&bg, "Technical support"), "Техническа поддръжка");
        assert_eq!(translate(&bg, "Billing"), "Billing");
    }

    #[test]
    fn a_translation_names_a_known_language_and_both_texts() {
        let ok = validate_translation(&translation(" Billing ", "cs", " Vyúčtování ")).unwrap();
        assert_eq!((ok.source.as_str(), ok.text.as_str()), ("Billing", "Vyúčtování"));
        assert_eq!(
            validate_translation(&translation("Billing", "de", "Rechnung")).unwrap_err().field,
            "language"
        );
        assert_eq!(validate_translation(&translation("", "cs", "x")).unwrap_err().field, "source");
        assert_eq!(validate_translation(&translation("Billing", "cs", " ")).unwrap_err().field, "text");
        let long = "x".repeat(TEXT_MAX + 1);
        assert_eq!(validate_translation(&translation("Billing", "cs", &long)).unwrap_err().field, "text");
    }
}
