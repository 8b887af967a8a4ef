//! Call-associated data (WBX CAD variables): what a queue lets agents read and edit on a call.

use serde::{Deserialize, Serialize};

use crate::error::{FieldError, Rule};

/// A value holds at most this many characters, typed or pasted.
pub const CALL_VALUE_MAX_CHARS: usize = 256;

/// What a secure value shows until the agent reveals it; the same length for every value, so the
/// mask says nothing about what it hides.
pub const SECURE_MASK: &str = "********";

crate::string_enum! {
    pub enum CallValueKind {
        Text = "text",
        /// An instant in RFC 3339 (`2026-12-05T14:30:00+01:00`).
        DateTime = "date_time",
    }
}

/// A variable as the administrator configures it on a queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallVariable {
    /// Stable key, used by flows and the API.
    pub name: String,
    pub label: String,
    /// Position on the call's data pane, lowest first.
    pub order: i32,
    pub kind: CallValueKind,
    /// Agents may change it; others are read only.
    pub editable: bool,
    /// Personal data: masked until revealed, and every reveal is audited.
    pub secure: bool,
}

/// Checks a value as typed: not too long, and a date-time in RFC 3339. Empty clears the value.
/// Returns the trimmed value to store.
pub fn check_call_value(kind: CallValueKind, value: &str) -> Result<&str, FieldError> {
    let value = value.trim();
    if value.chars().count() > CALL_VALUE_MAX_CHARS {
        return Err(FieldError::new("value", Rule::TooLong { max: CALL_VALUE_MAX_CHARS }));
    }
    if kind == CallValueKind::DateTime && !value.is_empty() && !is_rfc3339(value) {
        return Err(FieldError::new("value", Rule::Malformed));
    }
    Ok(value)
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, with real calendar dates (leap years included).
pub fn is_rfc3339(value: &str) -> bool {
    let b = value.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(range)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(part.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let at = |i: usize, c: &[u8]| b.get(i).is_some_and(|x| c.contains(x));
    let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    let (Some(hour), Some(minute), Some(second)) = (digits(11..13), digits(14..16), digits(17..19)) else {
        return false;
    };
    if !(at(4, b"-") && at(7, b"-") && at(10, b"Tt ") && at(13, b":") && at(16, b":")) {
        return false;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    // 60 is a leap second.
    if day == 0 || day > days || hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    let mut rest = 19;
    if at(rest, b".") {
        let fraction = b[rest + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if fraction == 0 {
            return false;
        }
        rest += 1 + fraction;
    }
    if at(rest, b"Zz") {
        return rest + 1 == b.len();
    }
    if !at(rest, b"+-") || !at(rest + 3, b":") || rest + 6 != b.len() {
        return false;
    }
    matches!((digits(rest + 1..rest + 3), digits(rest + 4..rest + 6)), (Some(h), Some(m)) if h <= 23 && m <= 59)
}

/// A variable's value on a call, as an agent sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallValue {
    pub variable: CallVariable,
    /// The value, or [`SECURE_MASK`] for a secure value not revealed (an empty one stays empty).
    pub value: String,
    /// Bumped by every save; a save names the version it changes, and the first save wins.
    pub version: i64,
}

impl CallValue {
    /// The value as shown before the agent asks to reveal it.
    pub fn masked(variable: CallVariable, value: &str, version: i64) -> CallValue {
        let value =
            if variable.secure && !value.is_empty() { SECURE_MASK.to_owned() } else { value.to_owned() };
        CallValue { variable, value, version }
    }
}

/// A new value for one variable, on the version the agent read (0: never saved).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallValueEdit {
    pub value: String,
    pub version: i64,
}

/// Variables a queue defines at most.
pub const CALL_VARIABLES_MAX: usize = 20;
/// A variable's name: lowercase ASCII letters, digits and `_`, at most this long.
pub const CALL_VARIABLE_NAME_MAX: usize = 50;
pub const CALL_VARIABLE_LABEL_MAX: usize = 100;

/// Checks a queue's variables as the administrator sets them: each named once, in the name's form,
/// with a label. Errors name the variable's place: `variables[2].name`.
pub fn check_call_variables(variables: &[CallVariable]) -> Result<(), FieldError> {
    if variables.len() > CALL_VARIABLES_MAX {
        return Err(FieldError::new("variables", Rule::TooLarge { max: CALL_VARIABLES_MAX }));
    }
    for (i, variable) in variables.iter().enumerate() {
        let broken = |name: &str, rule| FieldError { field: format!("variables[{i}].{name}").into(), rule };
        let name = variable.name.as_str();
        if name.is_empty() {
            return Err(broken("name", Rule::Required));
        }
        if name.len() > CALL_VARIABLE_NAME_MAX {
            return Err(broken("name", Rule::TooLong { max: CALL_VARIABLE_NAME_MAX }));
        }
        if !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
            return Err(broken("name", Rule::Malformed));
        }
        if variables[..i].iter().any(|v| v.name == variable.name) {
            return Err(broken("name", Rule::Taken));
        }
        let label = variable.label.trim();
        if label.is_empty() {
            return Err(broken("label", Rule::Required));
        }
        if label.chars().count() > CALL_VARIABLE_LABEL_MAX {
            return Err(broken("label", Rule::TooLong { max: CALL_VARIABLE_LABEL_MAX }));
        }
    }
    Ok(())
}

/// A queue's call-associated variables, as the administrator sets them
/// (`GET`/`PUT /api/admin/queues/{id}/call-variables`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueCallVariables {
    pub variables: Vec<CallVariable>,
}

/// The longest and shortest pause of a recording an administrator may allow (WBX: set per queue).
pub const RECORDING_PAUSE_SECONDS: std::ops::RangeInclusive<u32> = 5..=600;

/// Whether a queue records its calls, and how long an agent's Pause recording lasts
/// (`GET`/`PUT /api/admin/queues/{id}/recording`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueRecording {
    pub record_calls: bool,
    pub pause_seconds: u32,
}

/// The pause lies within [`RECORDING_PAUSE_SECONDS`] (error on `pause_seconds`).
pub fn check_queue_recording(recording: &QueueRecording) -> Result<(), FieldError> {
    if !RECORDING_PAUSE_SECONDS.contains(&recording.pause_seconds) {
        return Err(FieldError::new("pause_seconds", Rule::NotAnOption));
    }
    Ok(())
}

/// A queue as the call settings page lists it: its name and the number callers dial, if it takes calls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminQueue {
    pub id: i64,
    pub name: String,
    pub entry_number: Option<String>,
}
