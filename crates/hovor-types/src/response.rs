//! Standard responses: the library (a category tree; each response with a language and an optional
//! `#` shortcut), what the resources pane and the suggestions show, favourites, and the rules the
//! administration page and its handlers share.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::customer::LANGUAGES;
use crate::error::{FieldError, Rule};
use crate::message::MESSAGE_MAX_CHARS;
use crate::validate;

pub const TITLE_MAX: usize = 120;
pub const CATEGORY_NAME_MAX: usize = 80;
pub const SHORTCUT_MAX: usize = 32;
/// How customers ask for what a response answers: at most this many phrasings, each this long.
pub const PHRASES_MAX: usize = 30;
pub const PHRASE_MAX: usize = 200;
/// How many favourites one agent keeps.
pub const FAVOURITES_MAX: usize = 100;
/// How deep the category tree goes (a top-level category is depth 1).
pub const CATEGORY_DEPTH_MAX: usize = 4;
/// Longest query Find and `#` accept.
pub const QUERY_MAX: usize = 100;

/// The standard response an agent's message was written from (`None` when typed): suggestions learn
/// from which response answered which customer message. Sent with the message; agents only.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsedResponse {
    pub response_id: i64,
    /// The agent changed the inserted text before sending: it counts for less.
    pub edited: bool,
}

impl UsedResponse {
    /// `inserted`: the response as it went into the composer (placeholders filled); `sent`: the message.
    /// Edited when the two differ; not a use at all when less than half of the response's words were
    /// sent (the agent wrote their own answer instead).
    pub fn from_sent(response_id: i64, inserted: &str, sent: &str) -> Option<UsedResponse> {
        let kept: std::collections::HashSet<&str> = sent.split_whitespace().collect();
        let words: Vec<&str> = inserted.split_whitespace().collect();
        let sent_words = words.iter().filter(|w| kept.contains(*w)).count();
        (sent_words * 2 >= words.len().max(1))
            .then(|| UsedResponse { response_id, edited: inserted.trim() != sent.trim() })
    }
}

/// A response as a list shows it: suggestions, Find, favourites and `#`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuggestedResponse {
    pub id: i64,
    pub title: String,
    /// The text as stored, placeholders included; they are filled on insert.
    pub body: String,
    pub category_id: i64,
    pub category: String,
    pub language: String,
    pub shortcut: Option<String>,
    /// One of the agent's favourites.
    pub favourite: bool,
    /// Relevance to the query or the customer's latest message in thousandths of a BM25 point; higher is
    /// better, 0 means no word in common. An integer, so clients need no float parsing.
    pub relevance: u32,
    /// Suggested from outside the conversation's categories: it matched clearly better than any inside.
    #[serde(default)]
    pub other_category: bool,
}

/// A category of the library with its place in the tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResponseCategory {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    /// Responses directly in it, every language.
    pub responses: u32,
}

/// A response as the administration page edits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StandardResponse {
    pub id: i64,
    pub category_id: i64,
    pub language: String,
    pub title: String,
    pub body: String,
    pub shortcut: Option<String>,
    /// How customers ask for what it answers, in their own words: suggestions match these too.
    pub phrases: Vec<String>,
    pub version: i64,
}

/// Create (`version` absent) or edit (`version` of the response as read) a response.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResponseFields {
    pub category_id: i64,
    pub language: String,
    pub title: String,
    pub body: String,
    /// Typed with or without the leading `#`; blank means none.
    #[serde(default)]
    pub shortcut: Option<String>,
    /// One phrasing each; blanks and repeats are dropped.
    #[serde(default)]
    pub phrases: Vec<String>,
    #[serde(default)]
    pub version: Option<i64>,
}

/// Create or rename and move a category.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryFields {
    pub name: String,
    #[serde(default)]
    pub parent_id: Option<i64>,
}

/// Adds a category to a conversation's auto-suggestions (Select category).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SelectCategory {
    pub category_id: i64,
}

/// A shortcut as stored: without `#`, lower-case; letters, digits, `-` and `_` only.
pub fn normalize_shortcut(value: &str) -> Result<Option<String>, FieldError> {
    let value = value.trim();
    let value = value.strip_prefix('#').unwrap_or(value).to_lowercase();
    if value.is_empty() {
        return Ok(None);
    }
    if value.chars().count() > SHORTCUT_MAX {
        return Err(FieldError::new("shortcut", Rule::TooLong { max: SHORTCUT_MAX }));
    }
    if !value.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
        return Err(FieldError::new("shortcut", Rule::Malformed));
    }
    Ok(Some(value))
}

/// A response's phrasings as stored: trimmed, one per line (a phrasing typed over several lines is
/// several), no blanks, no repeats (ignoring case); at most [`PHRASES_MAX`] of at most [`PHRASE_MAX`].
pub fn normalize_phrases(phrases: &[String]) -> Result<Vec<String>, FieldError> {
    let mut kept: Vec<String> = Vec::new();
    for phrase in phrases.iter().flat_map(|p| p.lines()).map(str::trim).filter(|p| !p.is_empty()) {
        if phrase.chars().count() > PHRASE_MAX {
            return Err(FieldError::new("phrases", Rule::TooLong { max: PHRASE_MAX }));
        }
        if !kept.iter().any(|k| k.to_lowercase() == phrase.to_lowercase()) {
            kept.push(phrase.to_owned());
        }
    }
    if kept.len() > PHRASES_MAX {
        return Err(FieldError::new("phrases", Rule::TooLarge { max: PHRASES_MAX }));
    }
    Ok(kept)
}

/// Checks a response form; returns it trimmed, with the shortcut and phrasings normalised.
pub fn validate_response(fields: &ResponseFields) -> Result<ResponseFields, FieldError> {
    if fields.category_id <= 0 {
        return Err(FieldError::new("category_id", Rule::Required));
    }
    if !LANGUAGES.contains(&fields.language.as_str()) {
        return Err(FieldError::new("language", Rule::NotAnOption));
    }
    let title = validate::text("title", &fields.title, true, TITLE_MAX)?;
    let body = validate::text("body", &fields.body, true, MESSAGE_MAX_CHARS)?;
    if crate::placeholder::check(body).is_err() {
        return Err(FieldError::new("body", Rule::NotAnOption));
    }
    let shortcut = normalize_shortcut(fields.shortcut.as_deref().unwrap_or(""))?;
    let phrases = normalize_phrases(&fields.phrases)?;
    Ok(ResponseFields {
        category_id: fields.category_id,
        language: fields.language.clone(),
        title: title.to_owned(),
        body: body.to_owned(),
        shortcut,
        phrases,
        version: fields.version,
    })
}

/// Checks a category form; returns the trimmed name.
pub fn validate_category(fields: &CategoryFields) -> Result<String, FieldError> {
    Ok(validate::text("name", &fields.name, true, CATEGORY_NAME_MAX)?.to_owned())
}

/// Checks that `category` may hang under `parent`: `parent_of` walks the current tree. Refuses a parent
/// that is the category itself or inside it (a cycle) and a tree deeper than [`CATEGORY_DEPTH_MAX`].
pub fn check_parent(
    category: Option<i64>,
    parent: Option<i64>,
    parent_of: impl Fn(i64) -> Option<i64>,
    subtree_height: usize,
) -> Result<(), FieldError> {
    let mut depth = 1;
    let mut at = parent;
    while let Some(id) = at {
        if Some(id) == category || depth > CATEGORY_DEPTH_MAX {
            return Err(FieldError::new("parent_id", Rule::NotAnOption));
        }
        depth += 1;
        at = parent_of(id);
    }
    if depth + subtree_height.saturating_sub(1) > CATEGORY_DEPTH_MAX {
        return Err(FieldError::new("parent_id", Rule::TooLarge { max: CATEGORY_DEPTH_MAX }));
    }
    Ok(())
}

/// Levels in the subtree under `root`, the root included; `parent_of` maps each category to its parent.
/// Counting stops past the deepest allowed tree, so a cycle written into the database by hand cannot
/// recurse for ever.
pub fn subtree_height(parent_of: &HashMap<i64, Option<i64>>, root: i64) -> usize {
    fn height(tree: &HashMap<i64, Option<i64>>, root: i64, depth: usize) -> usize {
        if depth > CATEGORY_DEPTH_MAX {
            return 1;
        }
        let children = tree.iter().filter(|(_, p)| **p == Some(root)).map(|(id, _)| *id);
        1 + children.map(|c| height(tree, c, depth + 1)).max().unwrap_or(0)
    }
    height(parent_of, root, 0)
}

/// The categories depth-first, each under its parent in the order given, with its depth (0 at the top).
pub fn tree_order(categories: &[ResponseCategory]) -> Vec<(usize, ResponseCategory)> {
    fn walk(
        all: &[ResponseCategory],
        parent: Option<i64>,
        depth: usize,
        out: &mut Vec<(usize, ResponseCategory)>,
    ) {
        for c in all.iter().filter(|c| c.parent_id == parent) {
            out.push((depth, c.clone()));
            if depth < CATEGORY_DEPTH_MAX {
                walk(all, Some(c.id), depth + 1, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(categories, None, 0, &mut out);
    out
}

/// Where `category` (`None`: a new one) may be placed in the tree `categories`: `None` for the top level,
/// then every category it may hang under ([`check_parent`]), in tree order.
pub fn allowed_parents(categories: &[ResponseCategory], category: Option<i64>) -> Vec<Option<i64>> {
    let parent_of: HashMap<i64, Option<i64>> = categories.iter().map(|c| (c.id, c.parent_id)).collect();
    let height = category.map_or(1, |c| subtree_height(&parent_of, c));
    let fits = |parent: Option<i64>| {
        check_parent(category, parent, |id| parent_of.get(&id).copied().flatten(), height).is_ok()
    };
    std::iter::once(None)
        .chain(tree_order(categories).into_iter().map(|(_, c)| Some(c.id)))
        .filter(|p| fits(*p))
        .collect()
}

/// Checks a Find or `#` query; returns it trimmed.
pub fn validate_query(query: &str) -> Result<&str, FieldError> {
    validate::text("q", query, false, QUERY_MAX)
}

/// Longest `#` query the composer lists responses for.
pub const HASH_QUERY_MAX: usize = 40;
/// Words a `#` query may have: past them the agent is writing text ("order #1042 is on its way").
pub const HASH_QUERY_WORDS: usize = 3;

/// The `#` query the agent is typing: `text` is the composer's text up to the cursor. A `#` at the start
/// or after a space begins it; it runs to the cursor, on one line, at most three words. Returns the `#`'s
/// byte offset and the query after it.
pub fn hash_query(text: &str) -> Option<(usize, &str)> {
    let start = text.rfind('#')?;
    let before_ok = text[..start].chars().next_back().is_none_or(char::is_whitespace);
    let query = &text[start + 1..];
    let ok = before_ok
        && !query.contains('\n')
        && query.chars().count() <= HASH_QUERY_MAX
        && query.split(' ').count() <= HASH_QUERY_WORDS
        && !query.starts_with(' ');
    ok.then_some((start, query))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> ResponseFields {
        ResponseFields {
            category_id: 3,
            language: "cs".into(),
            title: " Vrácení peněz ".into(),
            body: "Dobrý den {{contact.first_name}}, peníze vrátíme do 5 dnů.".into(),
            shortcut: Some(" #Vraceni ".into()),
            phrases: vec![" chci peníze zpět ".into(), "".into(), "Chci peníze zpět\nvrátit zboží".into()],
            version: None,
        }
    }

    #[test]
    fn a_used_response_is_edited_when_the_sent_text_differs_from_the_inserted() {
        let inserted = "Dobrý den Jano, peníze vrátíme do 5 dnů.";
        let used = |sent: &str| UsedResponse::from_sent(7, inserted, sent).map(|u| u.edited);
        assert_eq!(used(&format!("{inserted}\n")), Some(false));
        assert_eq!(used(&format!("Ahoj!\n{inserted}")), Some(true));
        assert_eq!(used("Dobrý den Jano, peníze vrátíme do 3 dnů."), Some(true));
        assert_eq!(used("Peníze pošleme zítra."), None, "the agent's own answer");
    }

    #[test]
    fn a_response_is_trimmed_and_its_shortcut_normalised() {
        let ok = validate_response(&fields()).unwrap();
        assert_eq!(ok.title, "Vrácení peněz");
        assert_eq!(ok.shortcut.as_deref(), Some("vraceni"));
        assert_eq!(ok.phrases, ["chci peníze zpět", "vrátit zboží"], "trimmed, split by line, no repeats");
        let blank = ResponseFields { shortcut: Some(" # ".into()), ..fields() };
        assert_eq!(validate_response(&blank).unwrap().shortcut, None);
    }

    #[test]
    fn bad_fields_are_named() {
        let rule = |f: ResponseFields| validate_response(&f).unwrap_err();
        assert_eq!(rule(ResponseFields { language: "de".into(), ..fields() }).field, "language");
        assert_eq!(rule(ResponseFields { title: " ".into(), ..fields() }).rule, Rule::Required);
        assert_eq!(
            rule(ResponseFields { shortcut: Some("two words".into()), ..fields() }).rule,
            Rule::Malformed
        );
        let unknown = rule(ResponseFields { body: "Hi {{contact.frist_name}}".into(), ..fields() });
        assert_eq!((unknown.field.as_ref(), unknown.rule), ("body", Rule::NotAnOption));
        assert_eq!(rule(ResponseFields { category_id: 0, ..fields() }).field, "category_id");
        let long = rule(ResponseFields { phrases: vec!["a".repeat(PHRASE_MAX + 1)], ..fields() });
        assert_eq!((long.field.as_ref(), long.rule), ("phrases", Rule::TooLong { max: PHRASE_MAX }));
        let many = (0..=PHRASES_MAX).map(|n| format!("phrase {n}")).collect();
        assert_eq!(
            rule(ResponseFields { phrases: many, ..fields() }).rule,
            Rule::TooLarge { max: PHRASES_MAX }
        );
    }

    #[test]
    fn a_hash_query_starts_at_a_word_and_ends_at_the_cursor() {
        assert_eq!(hash_query("#"), Some((0, "")));
        assert_eq!(hash_query("Dobrý den #vrac"), Some((11, "vrac")));
        assert_eq!(hash_query("Dobrý den #vrácení peněz"), Some((11, "vrácení peněz")));
        assert_eq!(hash_query("order#12"), None, "inside a word");
        assert_eq!(hash_query("#abc\nnext"), None, "another line");
        assert_eq!(hash_query("# text"), None, "a hash and a space is text");
        assert_eq!(hash_query("Your order #1042 is on its way"), None, "past three words it is text");
        assert_eq!(hash_query("no hash"), None);
    }

    fn category(id: i64, parent_id: Option<i64>, name: &str) -> ResponseCategory {
        ResponseCategory { id, parent_id, name: name.into(), responses: 0 }
    }

    #[test]
    fn the_tree_is_listed_depth_first_and_a_category_moves_only_where_it_fits() {
        // Billing(1) ⊃ Refunds(2) ⊃ Cards(3); Orders(4); Offers(5) ⊃ Seasonal(6) ⊃ Winter(7) ⊃ Late(8).
        let all = [
            category(1, None, "Billing"),
            category(4, None, "Orders"),
            category(2, Some(1), "Refunds"),
            category(3, Some(2), "Cards"),
            category(5, None, "Offers"),
            category(6, Some(5), "Seasonal"),
            category(7, Some(6), "Winter"),
            category(8, Some(7), "Late"),
        ];
        let order: Vec<(usize, i64)> = tree_order(&all).into_iter().map(|(d, c)| (d, c.id)).collect();
        assert_eq!(order, vec![(0, 1), (1, 2), (2, 3), (0, 4), (0, 5), (1, 6), (2, 7), (3, 8)]);
        let parent_of: HashMap<i64, Option<i64>> = all.iter().map(|c| (c.id, c.parent_id)).collect();
        assert_eq!(subtree_height(&parent_of, 1), 3);
        assert_eq!(subtree_height(&parent_of, 4), 1);
        // Refunds (two levels) may go to the top, under Orders or Billing, under Seasonal (depth 2 + 2),
        // but not under itself, Cards, Winter or Late.
        assert_eq!(allowed_parents(&all, Some(2)), vec![None, Some(1), Some(4), Some(5), Some(6)]);
        // A new category fits anywhere but under Late (the fifth level).
        assert_eq!(allowed_parents(&all, None).len(), 1 + 7);
    }

    #[test]
    fn a_category_cannot_move_inside_itself_or_too_deep() {
        // 1 ← 2 ← 3 ← 4 (4 is three levels under 1).
        let parent_of = |id: i64| if id > 1 { Some(id - 1) } else { None };
        assert!(check_parent(Some(2), Some(1), parent_of, 1).is_ok());
        assert_eq!(check_parent(Some(2), Some(3), parent_of, 1).unwrap_err().rule, Rule::NotAnOption);
        assert_eq!(check_parent(Some(2), Some(2), parent_of, 1).unwrap_err().rule, Rule::NotAnOption);
        assert!(check_parent(None, Some(3), parent_of, 1).is_ok());
        let too_deep = check_parent(None, Some(4), parent_of, 1).unwrap_err();
        assert_eq!(too_deep.rule, Rule::TooLarge { max: CATEGORY_DEPTH_MAX });
        assert!(check_parent(Some(9), Some(2), parent_of, 3).is_err());
        assert!(check_parent(Some(9), None, parent_of, 4).is_ok());
    }
}
