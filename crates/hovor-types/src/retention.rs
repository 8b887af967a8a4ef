//! Anonymisation and retention (DAK): who may anonymise an interaction, and the administrator's rules
//! that anonymise or delete interactions of a queue and channel once they are old enough.

use serde::{Deserialize, Serialize};

use crate::Millis;
use crate::auth::Role;
use crate::conversation::Channel;
use crate::error::{FieldError, Rule};

/// The fewest days a rule may keep interactions: a rule of 0 days would remove work in progress.
pub const AFTER_DAYS_MIN: u32 = 1;
/// Ten years: the longest any rule keeps interactions.
pub const AFTER_DAYS_MAX: u32 = 3650;
/// One rule per queue and channel, so at most this many in all per queue.
pub const RULES_MAX: usize = 3000;
/// Events older than this are no use to any stream (a client away longer reads again from scratch),
/// so each retention run removes them.
pub const EVENTS_KEPT_DAYS: u32 = 7;

/// Removing an interaction's personal data is irreversible: only administrators may.
pub fn may_anonymise(role: Role) -> bool {
    role == Role::Admin
}

crate::string_enum! {
    /// What a rule does with an interaction older than its days.
    pub enum RetentionAction {
        /// Removes its personal data and keeps a tombstone (times, queue, agent) for statistics.
        Anonymise = "anonymise",
        /// Removes it entirely, tombstone too.
        Delete = "delete",
    }
}

/// One rule: interactions of `queue_id` on `channel` that ended more than `after_days` days ago.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RetentionRule {
    pub queue_id: i64,
    pub channel: Channel,
    pub action: RetentionAction,
    pub after_days: u32,
}

impl RetentionRule {
    /// The moment before which an interaction's end makes it due, `now` in milliseconds.
    pub fn due_before(&self, now: Millis) -> Millis {
        now - i64::from(self.after_days) * 86_400_000
    }
}

/// Every rule at once, as the administrator saves them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RetentionRules {
    pub rules: Vec<RetentionRule>,
}

/// `rules.<n>.<part>`: the field of one rule (counted from 0).
fn rule_field(n: usize, part: &str) -> std::borrow::Cow<'static, str> {
    std::borrow::Cow::Owned(format!("rules.{n}.{part}"))
}

/// Checks the administrator's whole set of rules: days in range, one rule per queue and channel. The
/// field names the rule at fault (`rules.2.after_days`).
pub fn check_rules(rules: &[RetentionRule]) -> Result<(), FieldError> {
    if rules.len() > RULES_MAX {
        return Err(FieldError::new("rules", Rule::TooLarge { max: RULES_MAX }));
    }
    for (n, rule) in rules.iter().enumerate() {
        if rule.after_days < AFTER_DAYS_MIN {
            let min = AFTER_DAYS_MIN as usize;
            return Err(FieldError { field: rule_field(n, "after_days"), rule: Rule::TooSmall { min } });
        }
        if rule.after_days > AFTER_DAYS_MAX {
            let max = AFTER_DAYS_MAX as usize;
            return Err(FieldError { field: rule_field(n, "after_days"), rule: Rule::TooLarge { max } });
        }
        let twice = rules[..n].iter().any(|r| r.queue_id == rule.queue_id && r.channel == rule.channel);
        if twice {
            return Err(FieldError { field: rule_field(n, "channel"), rule: Rule::Taken });
        }
    }
    Ok(())
}

/// What a run did, or for a dry run would do, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RetentionRun {
    pub id: i64,
    pub started_at: Millis,
    pub finished_at: Millis,
    pub dry_run: bool,
    /// Who asked for it; none for the schedule.
    pub user: Option<String>,
    pub anonymised: u64,
    pub deleted: u64,
    /// Events past [`EVENTS_KEPT_DAYS`] removed.
    pub events: u64,
}

/// How a run is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunRequest {
    /// Count what the rules would do, change nothing.
    pub dry_run: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(queue_id: i64, channel: Channel, after_days: u32) -> RetentionRule {
        RetentionRule { queue_id, channel, action: RetentionAction::Anonymise, after_days }
    }

    #[test]
    fn rules_keep_days_in_range_and_one_per_queue_and_channel() {
        assert_eq!(check_rules(&[rule(1, Channel::Chat, 1), rule(1, Channel::Email, 3650)]), Ok(()));
        let low = check_rules(&[rule(1, Channel::Chat, 30), rule(2, Channel::Chat, 0)]).unwrap_err();
        assert_eq!((low.field.as_ref(), low.rule), ("rules.1.after_days", Rule::TooSmall { min: 1 }));
        let high = check_rules(&[rule(1, Channel::Chat, 3651)]).unwrap_err();
        assert_eq!(high.rule, Rule::TooLarge { max: 3650 });
        let twice = check_rules(&[rule(1, Channel::Chat, 30), rule(1, Channel::Chat, 60)]).unwrap_err();
        assert_eq!((twice.field.as_ref(), twice.rule), ("rules.1.channel", Rule::Taken));
    }

    #[test]
    fn a_rule_is_due_its_days_before_now() {
        let day = 86_400_000;
        assert_eq!(rule(1, Channel::Voice, 30).due_before(100 * day), 70 * day);
    }

    #[test]
    fn only_administrators_anonymise() {
        assert!(may_anonymise(Role::Admin));
        assert!(!may_anonymise(Role::Supervisor) && !may_anonymise(Role::Agent));
    }
}
