//! Ending work on a conversation (WBX wrap-up) and the interaction/activity record (DAK).

use serde::{Deserialize, Serialize};

use crate::Millis;
use crate::error::{FieldError, Rule};
use crate::text::fold;

/// A wrap-up reason a queue offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WrapUpReason {
    pub id: i64,
    pub label: String,
}

/// Searching wrap-up reasons needs at least this many characters (WBX).
pub const WRAP_UP_SEARCH_MIN: usize = 3;

/// A wrap-up search: empty (every reason) or at least [`WRAP_UP_SEARCH_MIN`] characters. Returns the
/// trimmed query, `None` for all. Checked by the form as the agent types and by the server.
pub fn check_reason_query(query: &str) -> Result<Option<&str>, FieldError> {
    let query = query.trim();
    if query.is_empty() {
        return Ok(None);
    }
    if query.chars().count() < WRAP_UP_SEARCH_MIN {
        return Err(FieldError::new("query", Rule::TooShort { min: WRAP_UP_SEARCH_MIN }));
    }
    Ok(Some(query))
}

/// The reasons whose label contains the query, ignoring case and diacritics. Runs on the server: the
/// folding tables stay out of the app.
pub fn search_reasons<'a>(
    reasons: &'a [WrapUpReason],
    query: &str,
) -> Result<Vec<&'a WrapUpReason>, FieldError> {
    let Some(query) = check_reason_query(query)? else { return Ok(reasons.iter().collect()) };
    let query = fold(query);
    Ok(reasons.iter().filter(|r| fold(&r.label).contains(&query)).collect())
}

/// `POST /api/conversations/{id}/wrap-up`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WrapUpRequest {
    pub reason_id: i64,
}

/// `POST /api/conversations/{id}/transfer`: to a queue, to one available agent, or (a call only) to a
/// phone number outside Hovor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferRequest {
    pub queue_id: Option<i64>,
    pub agent_id: Option<i64>,
    /// A call sent on to this number leaves Hovor: the agent's part ends and their wrap-up follows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// What the receiving agent should know; shown on their popover and conversation.
    pub note: String,
}

pub const NOTE_MAX_CHARS: usize = 1000;

pub fn validate_transfer(request: &TransferRequest) -> Result<(), FieldError> {
    let targets = [request.queue_id.is_some(), request.agent_id.is_some(), request.number.is_some()];
    if targets.iter().filter(|&&t| t).count() != 1 {
        return Err(FieldError::new("target", Rule::Required));
    }
    if let Some(number) = &request.number {
        crate::voice::check_number(number)?;
    }
    if request.note.chars().count() > NOTE_MAX_CHARS {
        return Err(FieldError::new("note", Rule::TooLong { max: NOTE_MAX_CHARS }));
    }
    Ok(())
}

/// Where a transfer can go: `GET /api/conversations/{id}/transfer-targets`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferTargets {
    pub queues: Vec<Target>,
    /// Available agents of the conversation's queue; one without a free slot gets the offer once a
    /// slot frees up.
    pub agents: Vec<Target>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Target {
    pub id: i64,
    pub name: String,
}

/// One agent's work on an interaction: accept to wrap-up submit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Activity {
    pub id: i64,
    pub agent_name: String,
    pub queue_name: String,
    pub accepted_at: Millis,
    /// When the agent stopped handling it: the end of the conversation or a transfer.
    pub ended_at: Option<Millis>,
    pub wrapped_up_at: Option<Millis>,
    pub wrap_up_reason: Option<String>,
    /// The operator note this activity was handed with (after a transfer).
    pub transfer_note: Option<String>,
    pub focus: FocusTime,
}

/// DAK focus time: how long the conversation was the selected one in a visible, focused tab.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FocusTime {
    pub focused_ms: i64,
    pub interruptions: u32,
    /// The reports had a gap (closed laptop, lost connection): the figure may be inaccurate.
    pub anomaly: bool,
}

/// The interaction (queue entry to end) and its activities, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InteractionRecord {
    pub queued_at: Millis,
    pub ended_at: Option<Millis>,
    pub activities: Vec<Activity>,
}

/// `POST /api/conversations/{id}/focus`: one report from the app, sent while the conversation is in
/// focus and when focus leaves it. `focused_ms` is the focused time since the previous report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FocusReport {
    pub focused_ms: i64,
    /// Focus left for another conversation or module.
    pub interrupted: bool,
}

/// The app reports at least this often while a conversation has focus.
pub const FOCUS_REPORT_EVERY_MS: i64 = 15_000;
/// A longer silence between reports during focus is a gap: the figure gets the anomaly mark.
pub const FOCUS_GAP_MS: i64 = 45_000;
/// Reports travel over the network: a claim this much above the time between arrivals is jitter.
pub const FOCUS_JITTER_MS: i64 = 2_000;

/// Adds one report to an activity's focus time. `since_last` is the time since the previous report
/// (None for the first). A report claiming clearly more focus than time passed, or arriving after a
/// gap, sets the anomaly; the claimed time is capped at the time that really passed. The app sends an
/// empty report when focus returns, so time spent elsewhere is never a gap.
pub fn add_focus(total: FocusTime, report: &FocusReport, since_last: Option<i64>) -> FocusTime {
    let claimed = report.focused_ms.max(0);
    let (counted, gap) = match since_last {
        Some(elapsed) => (claimed.min(elapsed.max(0)), elapsed > FOCUS_GAP_MS && claimed > 0),
        None => (claimed.min(FOCUS_GAP_MS), claimed > FOCUS_GAP_MS),
    };
    FocusTime {
        focused_ms: total.focused_ms + counted,
        interruptions: total.interruptions + u32::from(report.interrupted),
        anomaly: total.anomaly || gap || claimed > counted + FOCUS_JITTER_MS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reasons() -> Vec<WrapUpReason> {
        ["Vyřešeno", "Reklamace", "Přeposláno"]
            .iter()
            .enumerate()
            .map(|(i, l)| WrapUpReason { id: i as i64, label: (*l).into() })
            .collect()
    }

    #[test]
    fn searching_reasons_needs_three_characters_and_ignores_diacritics() {
        let reasons = reasons();
        assert_eq!(search_reasons(&reasons, "").unwrap().len(), 3);
        assert_eq!(search_reasons(&reasons, "vy").unwrap_err().rule, Rule::TooShort { min: 3 });
        let found = search_reasons(&reasons, "RESEN").unwrap();
        assert_eq!(found.iter().map(|r| r.id).collect::<Vec<_>>(), vec![0]);
    }

    #[test]
    fn focus_is_capped_at_real_time_and_gaps_are_marked() {
        let report = |ms, interrupted| FocusReport { focused_ms: ms, interrupted };
        let t = add_focus(FocusTime::default(), &report(10_000, false), None);
        assert_eq!((t.focused_ms, t.anomaly), (10_000, false));
        let t = add_focus(t, &report(5_000, true), Some(15_000));
        assert_eq!((t.focused_ms, t.interruptions, t.anomaly), (15_000, 1, false));
        let claimed_too_much = add_focus(t, &report(20_000, false), Some(15_000));
        assert_eq!((claimed_too_much.focused_ms, claimed_too_much.anomaly), (30_000, true));
        let after_gap = add_focus(t, &report(60_000, false), Some(3_600_000));
        assert!(after_gap.anomaly);
        let jitter = add_focus(t, &report(15_500, false), Some(15_000));
        assert_eq!(
            (jitter.focused_ms, jitter.anomaly),
            (30_000, false),
            "half a second of jitter is not an anomaly"
        );
        let back_from_elsewhere = add_focus(t, &report(0, false), Some(600_000));
        assert!(!back_from_elsewhere.anomaly, "an empty report after time elsewhere is not a gap");
    }

    #[test]
    fn a_transfer_goes_to_exactly_one_target() {
        let t =
            |queue_id, agent_id| TransferRequest { queue_id, agent_id, number: None, note: String::new() };
        assert!(validate_transfer(&t(Some(1), None)).is_ok());
        assert!(validate_transfer(&t(None, Some(2))).is_ok());
        assert!(validate_transfer(&t(None, None)).is_err());
        assert!(validate_transfer(&t(Some(1), Some(2))).is_err());
        let to = |number: &str| TransferRequest { number: Some(number.into()), ..t(None, None) };
        assert!(validate_transfer(&to("+420 700 000 000")).is_ok());
        assert_eq!(validate_transfer(&to("call me")).unwrap_err().field, "number");
        let both = TransferRequest { queue_id: Some(1), ..to("+420 700 000 000") };
        assert_eq!(validate_transfer(&both).unwrap_err().field, "target");
    }
}
