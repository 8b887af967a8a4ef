//! The customer's side of web chat: the queue's pre-chat survey, starting a chat, and what the
//! customer's page shows. The rules here run in the server; the page mirrors them in JavaScript.

use serde::{Deserialize, Serialize};

use crate::Millis;
use crate::conversation::{KeyValue, SelfServiceKind, VisitorDetails};
use crate::error::{FieldError, Rule};
use crate::message::Message;

/// One question of a queue's pre-chat survey; `options` non-empty makes it a choice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyQuestion {
    pub id: i64,
    /// In the customer's language when the page asked for one.
    pub label: String,
    pub required: bool,
    /// The answers to choose from, as configured: the chosen one is what the answer records.
    pub options: Vec<String>,
    /// `options` in the customer's language, in the same order.
    #[serde(default)]
    pub option_labels: Vec<String>,
}

/// `GET /api/chat/queues/{id}`: what the customer's page needs before the chat starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatSetup {
    pub queue_id: i64,
    pub queue_name: String,
    pub survey: Vec<SurveyQuestion>,
}

impl ChatSetup {
    /// The queue's name, the questions and the answers' labels in the language of `translations`; the
    /// answers themselves stay as configured.
    pub fn translated(mut self, translations: &crate::translation::Translations) -> ChatSetup {
        use crate::translation::translate;
        self.queue_name = translate(translations, &self.queue_name).to_owned();
        for q in &mut self.survey {
            q.label = translate(translations, &q.label).to_owned();
            q.option_labels = q.options.iter().map(|o| translate(translations, o).to_owned()).collect();
        }
        self
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyReply {
    pub question_id: i64,
    pub answer: String,
}

/// A self-service action as the host site reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportedAction {
    pub kind: SelfServiceKind,
    pub detail: String,
    pub at: Millis,
}

/// A customer identity signed by the host site's server with the shared secret: HMAC-SHA256 over
/// [`SignedIdentity::signed_text`], hex-encoded. Valid for a day after `issued_at`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedIdentity {
    pub id: String,
    pub name: String,
    pub email: String,
    pub issued_at: Millis,
    pub signature: String,
}

impl SignedIdentity {
    pub fn signed_text(&self) -> String {
        format!("{}|{}|{}|{}", self.id, self.name, self.email, self.issued_at)
    }
}

/// `POST /api/chat/queues/{id}/conversations`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StartChat {
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub answers: Vec<SurveyReply>,
    #[serde(default)]
    pub visitor: VisitorDetails,
    #[serde(default)]
    pub identity: Option<SignedIdentity>,
    #[serde(default)]
    pub self_service: Vec<ReportedAction>,
    #[serde(default)]
    pub context: Vec<KeyValue>,
}

pub const NAME_MAX_CHARS: usize = 100;
pub const EMAIL_MAX_CHARS: usize = 254;
pub const ANSWER_MAX_CHARS: usize = 500;
pub const DETAIL_MAX_CHARS: usize = 500;
/// At most this many self-service actions and context variables are kept per conversation.
pub const REPORTED_MAX: usize = 50;

/// Checks the start of a chat against the queue's survey; returns the first broken rule.
pub fn validate_start(start: &StartChat, survey: &[SurveyQuestion]) -> Result<(), FieldError> {
    let name = start.name.trim();
    if name.is_empty() {
        return Err(FieldError::new("name", Rule::Required));
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(FieldError::new("name", Rule::TooLong { max: NAME_MAX_CHARS }));
    }
    if let Some(email) = start.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        if email.chars().count() > EMAIL_MAX_CHARS {
            return Err(FieldError::new("email", Rule::TooLong { max: EMAIL_MAX_CHARS }));
        }
        if !looks_like_email(email) {
            return Err(FieldError::new("email", Rule::Malformed));
        }
    }
    for question in survey {
        let field = || format!("answers.{}", question.id).into();
        let answer = start
            .answers
            .iter()
            .find(|a| a.question_id == question.id)
            .map(|a| a.answer.trim())
            .unwrap_or_default();
        if answer.is_empty() {
            if question.required {
                return Err(FieldError { field: field(), rule: Rule::Required });
            }
            continue;
        }
        if answer.chars().count() > ANSWER_MAX_CHARS {
            return Err(FieldError { field: field(), rule: Rule::TooLong { max: ANSWER_MAX_CHARS } });
        }
        if !question.options.is_empty() && !question.options.iter().any(|o| o == answer) {
            return Err(FieldError { field: field(), rule: Rule::NotAnOption });
        }
    }
    if let Some(unknown) = start.answers.iter().find(|a| !survey.iter().any(|q| q.id == a.question_id)) {
        return Err(FieldError {
            field: format!("answers.{}", unknown.question_id).into(),
            rule: Rule::NotAnOption,
        });
    }
    if start.self_service.len() > REPORTED_MAX {
        return Err(FieldError::new("self_service", Rule::TooLong { max: REPORTED_MAX }));
    }
    if start.context.len() > REPORTED_MAX {
        return Err(FieldError::new("context", Rule::TooLong { max: REPORTED_MAX }));
    }
    start.self_service.iter().try_for_each(validate_action)?;
    start.context.iter().try_for_each(validate_context)
}

pub fn validate_action(action: &ReportedAction) -> Result<(), FieldError> {
    if action.detail.trim().is_empty() {
        return Err(FieldError::new("detail", Rule::Required));
    }
    if action.detail.chars().count() > DETAIL_MAX_CHARS {
        return Err(FieldError::new("detail", Rule::TooLong { max: DETAIL_MAX_CHARS }));
    }
    Ok(())
}

/// How far in the past a reported action may lie: the browser keeps a day's trail.
pub const REPORTED_PAST_MS: i64 = 24 * 60 * 60 * 1000;
/// How far a browser's clock may run ahead of the server's.
pub const REPORTED_FUTURE_MS: i64 = 5 * 60 * 1000;

/// A time the customer's browser reported (`at`, in ms) must lie in the last day, allowing a browser
/// clock a few minutes fast; anything else is a broken clock or made up.
pub fn validate_reported_at(actions: &[ReportedAction], now: Millis) -> Result<(), FieldError> {
    let sane = (now - REPORTED_PAST_MS)..=(now + REPORTED_FUTURE_MS);
    match actions.iter().position(|a| !sane.contains(&a.at)) {
        Some(i) => Err(FieldError { field: format!("self_service.{i}.at").into(), rule: Rule::Malformed }),
        None => Ok(()),
    }
}

pub fn validate_context(var: &KeyValue) -> Result<(), FieldError> {
    if var.key.trim().is_empty() {
        return Err(FieldError::new("key", Rule::Required));
    }
    if var.key.chars().count() > NAME_MAX_CHARS {
        return Err(FieldError::new("key", Rule::TooLong { max: NAME_MAX_CHARS }));
    }
    if var.value.chars().count() > DETAIL_MAX_CHARS {
        return Err(FieldError::new("value", Rule::TooLong { max: DETAIL_MAX_CHARS }));
    }
    Ok(())
}

/// The shape of an address, not its existence: one `@`, something before it, a dot in the domain,
/// no spaces. Whether mail arrives is the mail system's business.
pub fn looks_like_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
}

crate::string_enum! {
    /// Where a conversation is in its life.
    pub enum ConversationStatus {
        /// Waiting in its queue for an agent.
        Queued = "queued",
        /// Offered to an agent who has not answered yet.
        Offered = "offered",
        /// An agent is handling it.
        Active = "active",
        /// Over; the agent may still owe the wrap-up.
        Ended = "ended",
    }
}

/// What the customer's page shows: `GET /api/chat/conversation`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatView {
    pub conversation_id: i64,
    pub queue_name: String,
    pub status: ConversationStatus,
    pub agent_name: Option<String>,
    pub customer_name: String,
    pub messages: Vec<Message>,
    /// Open the event stream after this id: nothing between this view and the stream is missed.
    pub last_event_id: i64,
}

/// Typing is announced at most this often while keys are pressed.
pub const TYPING_EVERY_MS: u32 = 3_000;
/// A typing indicator not refreshed for this long disappears.
pub const TYPING_STALE_MS: u32 = 6_000;

/// `POST /api/chat/typing` and `POST /api/conversations/{id}/typing`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TypingRequest {
    pub typing: bool,
}

/// `POST /api/chat/context`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContextRequest {
    pub vars: Vec<KeyValue>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn survey() -> Vec<SurveyQuestion> {
        vec![
            SurveyQuestion {
                id: 1,
                label: "Topic".into(),
                required: true,
                options: vec![],
                option_labels: vec![],
            },
            SurveyQuestion {
                id: 2,
                label: "Plan".into(),
                required: false,
                options: vec!["Basic".into()],
                option_labels: vec![],
            },
        ]
    }

    fn start(answers: &[(i64, &str)]) -> StartChat {
        StartChat {
            name: "Jana".into(),
            email: None,
            answers: answers
                .iter()
                .map(|(id, a)| SurveyReply { question_id: *id, answer: (*a).into() })
                .collect(),
            visitor: VisitorDetails::default(),
            identity: None,
            self_service: vec![],
            context: vec![],
        }
    }

    #[test]
    fn required_answers_choices_and_unknown_questions_are_checked() {
        assert!(validate_start(&start(&[(1, "Invoice")]), &survey()).is_ok());
        let now = 1_800_000_000_000;
        let action = |at| ReportedAction { kind: SelfServiceKind::PageVisited, detail: "/faq".into(), at };
        assert!(validate_reported_at(&[action(now - 60_000), action(now + 1_000)], now).is_ok());
        let stale =
            validate_reported_at(&[action(now), action(now - REPORTED_PAST_MS - 1)], now).unwrap_err();
        assert_eq!(stale.field.as_ref(), "self_service.1.at");
        assert!(validate_reported_at(&[action(now + REPORTED_FUTURE_MS + 1)], now).is_err());
        assert!(validate_reported_at(&[action(0)], now).is_err());
        let missing = validate_start(&start(&[]), &survey()).unwrap_err();
        assert_eq!((missing.field.as_ref(), missing.rule), ("answers.1", Rule::Required));
        let wrong = validate_start(&start(&[(1, "x"), (2, "Gold")]), &survey()).unwrap_err();
        assert_eq!((wrong.field.as_ref(), wrong.rule), ("answers.2", Rule::NotAnOption));
        let unknown = validate_start(&start(&[(1, "x"), (9, "?")]), &survey()).unwrap_err();
        assert_eq!(unknown.field.as_ref(), "answers.9");
    }

    #[test]
    fn name_and_email_are_checked() {
        let mut s = start(&[(1, "x")]);
        s.name = "  ".into();
        assert_eq!(validate_start(&s, &survey()).unwrap_err().field.as_ref(), "name");
        s.name = "Jana".into();
        s.email = Some("jana.example.cz".into());
        assert_eq!(validate_start(&s, &survey()).unwrap_err().rule, Rule::Malformed);
        s.email = Some("jana@example.cz".into());
        assert!(validate_start(&s, &survey()).is_ok());
        assert!(!looks_like_email("a@b") && !looks_like_email("a b@c.cz") && looks_like_email("a@b.cz"));
    }
}
