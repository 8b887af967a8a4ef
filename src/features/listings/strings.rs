//! The listings page's words, fetched with it (`locales/packs/listings/`).

use hovor_types::case::{CaseStatus, Priority};
use hovor_types::conversation::Channel;
use hovor_types::listing::advanced::{AdvancedColumn, Operator};
use hovor_types::listing::{EmailState, InteractionStatus, StepKind, TimePreset};
use hovor_types::message::Direction;
use hovor_types::retention::RetentionAction;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ListingWords {
    pub title: String,
    pub emails: String,
    pub chats: String,
    pub calls: String,
    pub time: String,
    pub today: String,
    pub yesterday: String,
    pub this_week: String,
    pub last_7_days: String,
    pub this_month: String,
    pub last_month: String,
    pub custom: String,
    pub from: String,
    pub to: String,
    pub users: String,
    pub queues: String,
    pub all: String,
    pub chosen: String,
    pub text: String,
    pub status: String,
    pub any: String,
    pub active: String,
    pub ended: String,
    pub direction: String,
    pub inbound: String,
    pub outbound: String,
    pub search: String,
    pub col_time: String,
    pub col_queue: String,
    pub col_user: String,
    pub col_contact: String,
    pub col_title: String,
    pub col_attachments: String,
    pub col_text: String,
    pub col_status: String,
    pub col_rating: String,
    pub feedback: String,
    pub case: String,
    pub no_case: String,
    pub open_contact: String,
    pub pair_contact: String,
    pub create_contact: String,
    pub merge_case: String,
    pub find_contact: String,
    pub find_case: String,
    pub nothing_found: String,
    pub paired: String,
    pub merged: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub create_and_pair: String,
    pub sent: String,
    pub waiting: String,
    pub failed: String,
    pub not_paired: String,
    pub found: String,
    pub empty: String,
    pub previous: String,
    pub next: String,
    pub page: String,
    pub paging: String,
    pub show_detail: String,
    pub detail_column: String,
    pub detail: String,
    pub close: String,
    pub not_found: String,
    pub activities: String,
    pub path: String,
    pub agent: String,
    pub accepted: String,
    pub wrapped_up: String,
    pub focus: String,
    pub interruptions: String,
    pub anomaly: String,
    pub no_activities: String,
    pub no_path: String,
    pub step_queued: String,
    pub step_offered: String,
    pub step_declined: String,
    pub step_missed: String,
    pub step_answered: String,
    pub step_transferred: String,
    pub step_abandoned: String,
    pub step_ended: String,
    pub step_wrapped_up: String,
    pub ronas: String,
    pub transfer_note: String,
    pub reviews: String,
    pub no_reviews: String,
    pub add_review: String,
    pub scorecard: String,
    pub comment: String,
    pub save_review: String,
    pub review_saved: String,
    pub points: String,
    pub total: String,
    pub no_scorecards: String,
    pub export_csv: String,
    pub export_xlsx: String,
    pub exporting_rows: String,
    pub preparing: String,
    pub received: String,
    pub cancel: String,
    pub exported: String,
    pub export_cancelled: String,
    pub export_failed: String,
    pub anonymise: String,
    pub anonymise_explain: String,
    pub anonymise_confirm: String,
    pub anonymised: String,
    pub anonymise_active: String,
    pub anonymise_done: String,
    pub retention: String,
    pub retention_note: String,
    pub rule_channel: String,
    pub rule_action: String,
    pub rule_days: String,
    pub action_anonymise: String,
    pub action_delete: String,
    pub add_rule: String,
    pub remove_rule: String,
    pub save_rules: String,
    pub rules_saved: String,
    pub no_rules: String,
    pub dry_run: String,
    pub real_run: String,
    pub run_now: String,
    pub run_confirm: String,
    pub dry_said: String,
    pub run_said: String,
    pub runs: String,
    pub run_started: String,
    pub run_kind: String,
    pub run_by: String,
    pub schedule: String,
    pub deleted: String,
    pub old_events: String,
    pub advanced: String,
    pub advanced_count: String,
    pub add_condition: String,
    pub remove_condition: String,
    pub column: String,
    pub operator: String,
    pub value: String,
    pub col_email_state: String,
    pub col_comment: String,
    pub op_contains: String,
    pub op_not_contains: String,
    pub op_is: String,
    pub op_is_not: String,
    pub op_above: String,
    pub op_below: String,
    pub op_empty: String,
    pub op_not_empty: String,
    pub show_inactive: String,
    pub inactive: String,
    pub access: String,
    pub access_note: String,
    pub col_state: String,
    pub state_active: String,
    pub state_inactive: String,
    pub priority: String,
    pub priority_low: String,
    pub priority_normal: String,
    pub priority_high: String,
    pub priority_urgent: String,
    pub case_status_new: String,
    pub case_status_open: String,
    pub case_status_pending: String,
    pub case_status_resolved: String,
    pub case_status_closed: String,
    pub account: String,
    pub no_account: String,
    pub open_account: String,
    pub open_case: String,
    pub case_interactions: String,
    pub deactivate: String,
    pub activate: String,
    pub rights: String,
    pub rights_title: String,
    pub rights_note: String,
    pub save_rights: String,
    pub rights_saved: String,
    pub back: String,
    pub group: String,
    pub save_group: String,
    pub group_saved: String,
    pub now_inactive: String,
    pub now_active: String,
    pub you: String,
}

impl ListingWords {
    pub fn channel(&self, channel: Channel) -> &str {
        match channel {
            Channel::Email => &self.emails,
            Channel::Chat => &self.chats,
            Channel::Voice => &self.calls,
        }
    }

    pub fn preset(&self, preset: TimePreset) -> &str {
        match preset {
            TimePreset::Today => &self.today,
            TimePreset::Yesterday => &self.yesterday,
            TimePreset::ThisWeek => &self.this_week,
            TimePreset::Last7Days => &self.last_7_days,
            TimePreset::ThisMonth => &self.this_month,
            TimePreset::LastMonth => &self.last_month,
            TimePreset::Custom => &self.custom,
        }
    }

    pub fn status(&self, status: InteractionStatus) -> &str {
        match status {
            InteractionStatus::Active => &self.active,
            InteractionStatus::Ended => &self.ended,
        }
    }

    pub fn direction(&self, direction: Direction) -> &str {
        match direction {
            Direction::Inbound => &self.inbound,
            Direction::Outbound => &self.outbound,
        }
    }

    pub fn email_state(&self, state: EmailState) -> &str {
        match state {
            EmailState::Sent => &self.sent,
            EmailState::Waiting => &self.waiting,
            EmailState::Failed => &self.failed,
        }
    }

    pub fn action(&self, action: RetentionAction) -> &str {
        match action {
            RetentionAction::Anonymise => &self.action_anonymise,
            RetentionAction::Delete => &self.action_delete,
        }
    }

    pub fn step(&self, kind: StepKind) -> &str {
        match kind {
            StepKind::Queued => &self.step_queued,
            StepKind::Offered => &self.step_offered,
            StepKind::Declined => &self.step_declined,
            StepKind::Missed => &self.step_missed,
            StepKind::Answered => &self.step_answered,
            StepKind::Transferred => &self.step_transferred,
            StepKind::Abandoned => &self.step_abandoned,
            StepKind::Ended => &self.step_ended,
            StepKind::WrappedUp => &self.step_wrapped_up,
        }
    }

    /// A column as the Advanced filter names it: as its header does.
    pub fn column(&self, column: AdvancedColumn) -> &str {
        match column {
            AdvancedColumn::Queue => &self.col_queue,
            AdvancedColumn::User => &self.col_user,
            AdvancedColumn::Contact => &self.col_contact,
            AdvancedColumn::Case => &self.case,
            AdvancedColumn::Title => &self.col_title,
            AdvancedColumn::Attachments => &self.col_attachments,
            AdvancedColumn::Text => &self.col_text,
            AdvancedColumn::Status => &self.col_status,
            AdvancedColumn::Direction => &self.direction,
            AdvancedColumn::EmailState => &self.col_email_state,
            AdvancedColumn::Rating => &self.col_rating,
            AdvancedColumn::Comment => &self.col_comment,
        }
    }

    pub fn operator(&self, op: Operator) -> &str {
        match op {
            Operator::Contains => &self.op_contains,
            Operator::NotContains => &self.op_not_contains,
            Operator::Is => &self.op_is,
            Operator::IsNot => &self.op_is_not,
            Operator::Above => &self.op_above,
            Operator::Below => &self.op_below,
            Operator::Empty => &self.op_empty,
            Operator::NotEmpty => &self.op_not_empty,
        }
    }

    /// One of a choice column's values (`ended`, `outbound`, `failed`) in words.
    pub fn choice<'a>(&'a self, value: &'a str) -> &'a str {
        if let Some(status) = InteractionStatus::parse(value) {
            self.status(status)
        } else if let Some(direction) = Direction::parse(value) {
            self.direction(direction)
        } else if let Some(state) = EmailState::parse(value) {
            self.email_state(state)
        } else {
            value
        }
    }

    pub fn case_status(&self, status: CaseStatus) -> &str {
        match status {
            CaseStatus::New => &self.case_status_new,
            CaseStatus::Open => &self.case_status_open,
            CaseStatus::Pending => &self.case_status_pending,
            CaseStatus::Resolved => &self.case_status_resolved,
            CaseStatus::Closed => &self.case_status_closed,
        }
    }

    pub fn priority(&self, priority: Priority) -> &str {
        match priority {
            Priority::Low => &self.priority_low,
            Priority::Normal => &self.priority_normal,
            Priority::High => &self.priority_high,
            Priority::Urgent => &self.priority_urgent,
        }
    }
}
