//! Placeholders in standard responses: `{{contact.first_name}}` is filled from the conversation when the
//! response is inserted, `{{ask:Order number}}` asks the agent. Text that still holds a placeholder is
//! never sent: the message rule refuses it, in the composer and on the server.

use std::collections::BTreeMap;

/// The values a response can draw from the conversation.
pub const KEYS: &[&str] = &[
    "contact.first_name",
    "contact.last_name",
    "contact.name",
    "contact.email",
    "contact.phone",
    "account.name",
    "agent.name",
    "agent.first_name",
    "case.number",
    "case.subject",
    "conversation.subject",
    "queue.name",
];

/// Prefix of a fill-in field the agent types when inserting.
pub const ASK: &str = "ask:";
/// Longest label of a fill-in field.
pub const ASK_LABEL_MAX: usize = 40;

/// One piece of a template, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    /// `{{contact.first_name}}`: the key, trimmed.
    Value(&'a str),
    /// `{{ask:Order number}}`: the label, trimmed.
    Ask(&'a str),
}

/// Splits a template into text, values and fill-in fields. An unclosed `{{` is text.
pub fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let Some(len) = rest[open + 2..].find("}}") else { break };
        if open > 0 {
            out.push(Piece::Text(&rest[..open]));
        }
        let inner = rest[open + 2..open + 2 + len].trim();
        out.push(match inner.strip_prefix(ASK) {
            Some(label) => Piece::Ask(label.trim()),
            None => Piece::Value(inner),
        });
        rest = &rest[open + 2 + len + 2..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// The labels of a template's fill-in fields, each once, in order.
pub fn asks(template: &str) -> Vec<&str> {
    let mut labels = Vec::new();
    for piece in pieces(template) {
        if let Piece::Ask(label) = piece
            && !labels.contains(&label)
        {
            labels.push(label);
        }
    }
    labels
}

/// A filled template: the text, and the placeholders left in it (as `{{key}}`) because nothing filled them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filled {
    pub text: String,
    pub missing: Vec<String>,
}

/// Fills values from the conversation and fill-in fields from the agent's answers. A value or answer that
/// is absent or blank stays in the text as its placeholder and is listed in `missing`.
pub fn fill(template: &str, values: &BTreeMap<String, String>, answers: &BTreeMap<String, String>) -> Filled {
    let mut text = String::with_capacity(template.len());
    let mut missing = Vec::new();
    for piece in pieces(template) {
        let (found, placeholder) = match piece {
            Piece::Text(t) => {
                text.push_str(t);
                continue;
            }
            Piece::Value(key) => (values.get(key), format!("{{{{{key}}}}}")),
            Piece::Ask(label) => (answers.get(label), format!("{{{{{ASK}{label}}}}}")),
        };
        match found.map(|v| v.trim()).filter(|v| !v.is_empty()) {
            Some(value) => text.push_str(value),
            None => {
                text.push_str(&placeholder);
                if !missing.contains(&placeholder) {
                    missing.push(placeholder);
                }
            }
        }
    }
    Filled { text, missing }
}

/// The first placeholder still in `text`, if any: such text must not be sent.
pub fn first_unfilled(text: &str) -> Option<&str> {
    let open = text.find("{{")?;
    let len = text[open..].find("}}")?;
    Some(&text[open..open + len + 2])
}

/// The text without its placeholders, for search and ranking.
pub fn strip(template: &str) -> String {
    pieces(template)
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) => t,
            _ => " ",
        })
        .collect()
}

/// Checks a response body's placeholders: every value is a known key, every fill-in field has a label.
pub fn check(template: &str) -> Result<(), String> {
    for piece in pieces(template) {
        match piece {
            Piece::Value(key) if !KEYS.contains(&key) => return Err(format!("{{{{{key}}}}}")),
            Piece::Ask(label) if label.is_empty() || label.chars().count() > ASK_LABEL_MAX => {
                return Err(format!("{{{{{ASK}{label}}}}}"));
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> BTreeMap<String, String> {
        [("contact.first_name", "Jana"), ("agent.name", "Petr Novák"), ("case.number", " ")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    #[test]
    fn values_and_answers_are_filled() {
        let answers = [("Order number".to_owned(), "A-1042".to_owned())].into();
        let filled = fill(
            "Hello {{ contact.first_name }}, order {{ask:Order number}} ships today. {{agent.name}}",
            &values(),
            &answers,
        );
        assert_eq!(filled.text, "Hello Jana, order A-1042 ships today. Petr Novák");
        assert!(filled.missing.is_empty());
    }

    #[test]
    fn a_missing_or_blank_value_stays_visible_and_is_listed_once() {
        let filled =
            fill("Case {{case.number}}: {{ask:Reason}} / {{case.number}}", &values(), &BTreeMap::new());
        assert_eq!(filled.text, "Case {{case.number}}: {{ask:Reason}} / {{case.number}}");
        assert_eq!(filled.missing, vec!["{{case.number}}", "{{ask:Reason}}"]);
        assert_eq!(first_unfilled(&filled.text), Some("{{case.number}}"));
    }

    #[test]
    fn fill_in_fields_are_listed_once_in_order() {
        assert_eq!(asks("{{ask:B}} {{ask: A }} {{ask:B}} {{contact.name}}"), vec!["B", "A"]);
    }

    #[test]
    fn unclosed_braces_are_text() {
        assert_eq!(pieces("a {{ b"), vec![Piece::Text("a {{ b")]);
        assert_eq!(first_unfilled("a {{ b"), None);
        assert_eq!(strip("Hi {{contact.first_name}}, bye"), "Hi  , bye");
    }

    #[test]
    fn unknown_keys_and_empty_labels_are_refused() {
        assert!(check("Hi {{contact.first_name}} {{ask:Order}}").is_ok());
        assert_eq!(check("Hi {{contact.frist_name}}"), Err("{{contact.frist_name}}".to_owned()));
        assert_eq!(check("{{ask: }}"), Err("{{ask:}}".to_owned()));
    }
}
