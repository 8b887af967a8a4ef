//! What an agent records on a conversation (MLU client card): tags, the operator note, parameters and
//! the custom data; the attached data comes with the interaction and is read-only.

use serde::{Deserialize, Serialize};

use crate::Millis;
use crate::conversation::KeyValue;
use crate::error::{FieldError, Rule};
use crate::text::fold;
use crate::validate;

pub const TAG_MAX: usize = 40;
pub const NOTE_MAX: usize = 2000;
pub const PARAMETER_KEY_MAX: usize = 60;
pub const PARAMETER_VALUE_MAX: usize = 500;
/// Tags the agent used last, offered under the tag field.
pub const RECENT_TAGS: usize = 6;

/// A company tag, shown in its own colours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tag {
    pub id: i64,
    pub name: String,
    /// `#rrggbb`.
    pub background: String,
    pub text: String,
}

crate::string_enum! {
    /// How a tag came onto a conversation.
    pub enum TagSource {
        /// Typed and confirmed with Enter (a new company tag if the name is new).
        Typed = "typed",
        /// Chosen from the company's tags.
        Company = "company",
        /// One of the agent's recent tags.
        Recent = "recent",
        /// A keyword rule matched a customer message.
        Keyword = "keyword",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddTag {
    pub name: String,
    pub source: TagSource,
}

pub fn validate_tag_name(name: &str) -> Result<&str, FieldError> {
    let name = validate::text("name", name, true, TAG_MAX)?;
    if name.contains(',') {
        return Err(FieldError::new("name", Rule::Malformed));
    }
    Ok(name)
}

/// An automatic tagging rule: a customer message containing `keyword` gets `tag`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagRule {
    pub id: i64,
    pub keyword: String,
    pub tag: Tag,
}

/// Administration: a new keyword rule; the tag is created if the company has none by that name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewTagRule {
    pub keyword: String,
    pub tag_name: String,
}

pub fn validate_tag_rule(r: &NewTagRule) -> Result<(), FieldError> {
    validate::text("keyword", &r.keyword, true, TAG_MAX)?;
    validate_tag_name(&r.tag_name).map_err(|e| FieldError { field: "tag_name".into(), rule: e.rule })?;
    Ok(())
}

/// Administration: a tag's colours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagColours {
    pub background: String,
    pub text: String,
}

pub fn validate_tag_colours(c: &TagColours) -> Result<(), FieldError> {
    validate::colour("background", &c.background)?;
    validate::colour("text", &c.text)
}

/// Background and text pairs a new tag is given: light backgrounds with dark text of the same hue,
/// each pair above 7:1 contrast (WCAG AAA), so a tag reads in both themes.
pub const TAG_PALETTE: [(&str, &str); 8] = [
    ("#fde2e1", "#7f1d1d"),
    ("#fdecc8", "#6b4300"),
    ("#dcf5e3", "#14532d"),
    ("#dbeafe", "#1e3a8a"),
    ("#ede9fe", "#4c1d95"),
    ("#fce7f3", "#831843"),
    ("#d5f5f0", "#134e4a"),
    ("#e9ecef", "#262b30"),
];

/// The colours of a new tag, chosen from [`TAG_PALETTE`] by its name (case-insensitively), so the
/// same name always gets the same colours.
pub fn tag_colours_for(name: &str) -> TagColours {
    // FNV-1a: stable across builds and platforms, unlike the standard library's hasher.
    let hash = name
        .trim()
        .to_lowercase()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    let (background, text) = TAG_PALETTE[(hash % TAG_PALETTE.len() as u64) as usize];
    TagColours { background: background.to_owned(), text: text.to_owned() }
}

/// Keywords at least this long also match their inflected forms (see [`keyword_matches`]).
const INFLECTED_FROM_CHARS: usize = 5;

/// Whether `keyword` starts a word of `message`, ignoring case and diacritics. Czech, Bulgarian and
/// Ukrainian change word endings, so a keyword of five letters or more matches any word that begins
/// with all but its last letter: "reklamace" matches "Reklamaci" and "REKLAMACÍ", "скарга" matches
/// "скаргу"; "lam" does not match "reklamace".
pub fn keyword_matches(keyword: &str, message: &str) -> bool {
    let keyword = fold(keyword.trim());
    let chars = keyword.chars().count();
    if chars == 0 {
        return false;
    }
    let stem: String =
        if chars >= INFLECTED_FROM_CHARS { keyword.chars().take(chars - 1).collect() } else { keyword };
    fold(message).split(|c: char| !c.is_alphanumeric()).any(|word| word.starts_with(stem.as_str()))
}

/// A conversation parameter: preset by the application (channel, queue...) or added by an agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Parameter {
    pub key: String,
    pub value: String,
    pub preset: bool,
    pub version: i64,
}

/// Add a custom parameter (`version` ignored) or change a value (`version` required).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ParameterEdit {
    pub version: Option<i64>,
    pub key: String,
    pub value: String,
}

pub fn validate_parameter(p: &ParameterEdit) -> Result<(), FieldError> {
    validate::text("key", &p.key, true, PARAMETER_KEY_MAX)?;
    validate::text("value", &p.value, false, PARAMETER_VALUE_MAX)?;
    Ok(())
}

/// The note the next agent sees after a transfer, and that helps find the conversation later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OperatorNote {
    pub body: String,
    pub by: Option<String>,
    pub at: Option<Millis>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OperatorNoteEdit {
    pub version: Option<i64>,
    pub body: String,
}

pub fn validate_note(field: &'static str, body: &str, required: bool) -> Result<(), FieldError> {
    validate::text(field, body, required, NOTE_MAX).map(|_| ())
}

/// New values for existing custom data keys; keys cannot be added or removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomDataEdit {
    pub version: Option<i64>,
    pub values: Vec<KeyValue>,
}

/// Every value must belong to a key that exists, each key at most once.
pub fn validate_custom_data(existing: &[KeyValue], edit: &CustomDataEdit) -> Result<(), FieldError> {
    validate::version(edit.version)?;
    for (i, kv) in edit.values.iter().enumerate() {
        if !existing.iter().any(|e| e.key == kv.key) || edit.values[..i].iter().any(|e| e.key == kv.key) {
            return Err(FieldError {
                field: format!("custom_data.{}", kv.key).into(),
                rule: Rule::NotAnOption,
            });
        }
        if kv.value.chars().count() > PARAMETER_VALUE_MAX {
            return Err(FieldError {
                field: format!("custom_data.{}", kv.key).into(),
                rule: Rule::TooLong { max: PARAMETER_VALUE_MAX },
            });
        }
    }
    Ok(())
}

/// The Session pane: everything above for one conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionData {
    pub tags: Vec<Tag>,
    /// The company's tags, for the dropdown.
    pub company_tags: Vec<Tag>,
    /// The agent's recently used tags not on this conversation yet.
    pub recent_tags: Vec<Tag>,
    pub operator_note: OperatorNote,
    pub parameters: Vec<Parameter>,
    /// Absent for campaign interactions.
    pub attached_data: Option<Vec<KeyValue>>,
    pub custom_data: Vec<KeyValue>,
    pub custom_data_version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_match_word_starts_without_case_or_diacritics() {
        assert!(keyword_matches("reklamace", "Chci podat REKLAMACI?"));
        assert!(keyword_matches("reklamace", "kvůli reklamací"));
        assert!(keyword_matches("скарга", "Подаю скаргу"));
        assert!(!keyword_matches("reklamace", "reklama v televizi"));
        assert!(keyword_matches("Reklamáce", "reklamace zboží"));
        assert!(keyword_matches("refund", "I want a refund."));
        assert!(!keyword_matches("lam", "reklamace"));
        assert!(!keyword_matches("  ", "anything"));
        assert!(keyword_matches("повернення", "Хочу ПОВЕРНЕННЯ коштів"));
    }

    #[test]
    fn custom_data_keys_are_fixed() {
        let existing = vec![KeyValue { key: "plan".into(), value: "basic".into() }];
        let edit = |key: &str| CustomDataEdit {
            version: Some(1),
            values: vec![KeyValue { key: key.into(), value: "gold".into() }],
        };
        assert!(validate_custom_data(&existing, &edit("plan")).is_ok());
        assert_eq!(validate_custom_data(&existing, &edit("new")).unwrap_err().rule, Rule::NotAnOption);
        let twice =
            CustomDataEdit { values: [edit("plan").values, edit("plan").values].concat(), ..edit("plan") };
        assert!(validate_custom_data(&existing, &twice).is_err());
    }

    #[test]
    fn a_new_tag_always_gets_the_same_valid_colours_for_its_name() {
        let vip = tag_colours_for("VIP");
        assert_eq!(vip, tag_colours_for(" vip "));
        assert!(validate_tag_colours(&vip).is_ok());
        for (background, text) in TAG_PALETTE {
            assert!(
                validate_tag_colours(&TagColours { background: background.into(), text: text.into() })
                    .is_ok()
            );
        }
        let names = ["VIP", "Complaint", "Billing", "Refund", "Callback", "Urgent", "Fraud", "Upsell"];
        let distinct: std::collections::HashSet<_> =
            names.iter().map(|n| tag_colours_for(n).background).collect();
        assert!(distinct.len() > 2, "names spread over the palette");
    }

    #[test]
    fn tag_names_are_short_and_single() {
        assert_eq!(validate_tag_name("  VIP "), Ok("VIP"));
        assert_eq!(validate_tag_name("").unwrap_err().rule, Rule::Required);
        assert_eq!(validate_tag_name("a,b").unwrap_err().rule, Rule::Malformed);
    }
}
