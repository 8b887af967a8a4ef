//! The listing's Advanced filter (DAK): up to [`CONDITIONS_MAX`] conditions on any column, all of
//! which an interaction must meet. They travel in the query as one JSON array
//! (`advanced=[{"column":"title","op":"contains","value":"refund"}]`); both sides check them here.

use serde::{Deserialize, Serialize};

use crate::error::{FieldError, Rule};

/// Conditions in one filter at most.
pub const CONDITIONS_MAX: usize = 5;
/// The longest value a condition compares with.
pub const VALUE_MAX: usize = 200;

crate::string_enum! {
    /// The columns a condition can test: every column of the list.
    pub enum AdvancedColumn {
        Queue = "queue",
        User = "user",
        Contact = "contact",
        Case = "case",
        Title = "title",
        Attachments = "attachments",
        /// The start of its first message or email body, as the row shows it.
        Text = "text",
        Status = "status",
        Direction = "direction",
        EmailState = "email_state",
        Rating = "rating",
        Comment = "comment",
    }
}

crate::string_enum! {
    /// How a condition compares a column with its value.
    pub enum Operator {
        Contains = "contains",
        NotContains = "not_contains",
        Is = "is",
        IsNot = "is_not",
        /// Greater than the value (numbers).
        Above = "above",
        /// Less than the value (numbers).
        Below = "below",
        /// No value at all (no contact, no rating, no text).
        Empty = "empty",
        NotEmpty = "not_empty",
    }
}

/// What kind of value a column holds, which decides its operators and how its value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Compared without regard to case.
    Text,
    /// A whole number.
    Number,
    /// One of a fixed set of values (`active`, `outbound`, `failed`…).
    Choice(&'static [&'static str]),
}

const STATUSES: &[&str] = &["active", "ended"];
const DIRECTIONS: &[&str] = &["inbound", "outbound"];
const EMAIL_STATES: &[&str] = &["sent", "waiting", "failed"];

impl AdvancedColumn {
    pub fn kind(self) -> ColumnKind {
        match self {
            AdvancedColumn::Attachments | AdvancedColumn::Rating => ColumnKind::Number,
            AdvancedColumn::Status => ColumnKind::Choice(STATUSES),
            AdvancedColumn::Direction => ColumnKind::Choice(DIRECTIONS),
            AdvancedColumn::EmailState => ColumnKind::Choice(EMAIL_STATES),
            _ => ColumnKind::Text,
        }
    }

    /// The operators this column can be tested with, in the order a form offers them.
    pub fn operators(self) -> &'static [Operator] {
        use Operator::*;
        match (self.kind(), self) {
            (ColumnKind::Text, AdvancedColumn::Queue | AdvancedColumn::Title) => {
                &[Contains, NotContains, Is, IsNot]
            }
            (ColumnKind::Text, _) => &[Contains, NotContains, Is, IsNot, Empty, NotEmpty],
            (ColumnKind::Number, AdvancedColumn::Rating) => &[Is, IsNot, Above, Below, Empty, NotEmpty],
            (ColumnKind::Number, _) => &[Is, IsNot, Above, Below],
            (ColumnKind::Choice(_), AdvancedColumn::EmailState) => &[Is, IsNot, Empty],
            (ColumnKind::Choice(_), _) => &[Is, IsNot],
        }
    }
}

impl Operator {
    /// Whether the operator compares with a value (`empty` and `not_empty` take none).
    pub fn takes_value(self) -> bool {
        !matches!(self, Operator::Empty | Operator::NotEmpty)
    }
}

/// One condition as the form writes it and the query carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    pub column: AdvancedColumn,
    pub op: Operator,
    #[serde(default)]
    pub value: String,
}

/// A condition that passed [`conditions`]: its value ready to compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub column: AdvancedColumn,
    pub op: Operator,
    pub value: Value,
}

/// A checked condition's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// `empty` and `not_empty`.
    None,
    /// Trimmed and lower-cased (text), or one of the column's choices as written.
    Text(String),
    Number(i64),
}

/// `[…]` → the checked conditions, each fault named by its place (`advanced[1].value`); absent or
/// empty → none.
pub fn conditions(advanced: Option<&str>) -> Result<Vec<Checked>, FieldError> {
    let Some(json) = advanced.map(str::trim).filter(|a| !a.is_empty()) else { return Ok(Vec::new()) };
    let list: Vec<Condition> =
        serde_json::from_str(json).map_err(|_| FieldError::new("advanced", Rule::Malformed))?;
    check(&list)
}

/// Checks conditions as a form holds them.
pub fn check(list: &[Condition]) -> Result<Vec<Checked>, FieldError> {
    if list.len() > CONDITIONS_MAX {
        return Err(FieldError::new("advanced", Rule::TooLarge { max: CONDITIONS_MAX }));
    }
    list.iter().enumerate().map(|(i, condition)| checked(i, condition)).collect()
}

fn checked(i: usize, condition: &Condition) -> Result<Checked, FieldError> {
    let fault = |field: &str, rule| FieldError { field: format!("advanced[{i}].{field}").into(), rule };
    let Condition { column, op, value } = condition;
    if !column.operators().contains(op) {
        return Err(fault("op", Rule::NotAnOption));
    }
    let value = value.trim();
    let value = match (op.takes_value(), column.kind()) {
        (false, _) => Value::None,
        (true, _) if value.is_empty() => return Err(fault("value", Rule::Required)),
        (true, _) if value.chars().count() > VALUE_MAX => {
            return Err(fault("value", Rule::TooLong { max: VALUE_MAX }));
        }
        (true, ColumnKind::Text) => Value::Text(value.to_lowercase()),
        (true, ColumnKind::Number) => {
            Value::Number(value.parse().map_err(|_| fault("value", Rule::Malformed))?)
        }
        (true, ColumnKind::Choice(choices)) if choices.contains(&value) => Value::Text(value.to_owned()),
        (true, ColumnKind::Choice(_)) => return Err(fault("value", Rule::NotAnOption)),
    };
    Ok(Checked { column: *column, op: *op, value })
}

/// The conditions as the query carries them; none → no parameter.
pub fn advanced_param(list: &[Condition]) -> Option<String> {
    (!list.is_empty()).then(|| serde_json::to_string(list).unwrap_or_default())
}

/// Whether the choice lists above spell the enums' own values (checked by the tests).
#[cfg(test)]
pub(super) fn choice_lists_match_enums() -> bool {
    use super::{EmailState, InteractionStatus};
    use crate::message::Direction;
    let same = |list: &[&str], all: Vec<&str>| list == all.as_slice();
    same(STATUSES, InteractionStatus::ALL.iter().map(|s| s.as_str()).collect())
        && same(DIRECTIONS, Direction::ALL.iter().map(|s| s.as_str()).collect())
        && same(EMAIL_STATES, EmailState::ALL.iter().map(|s| s.as_str()).collect())
}
