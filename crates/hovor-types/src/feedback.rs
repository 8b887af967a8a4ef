//! The post-chat survey (GEN): once a chat has ended its customer may rate it and say why, on the
//! questions the administrator set for its queue. The answers show in the contact's History, in the
//! interaction's detail and as the listing's Rating column. The administrator's form, the customer's
//! page and the server check them with these rules.

use serde::{Deserialize, Serialize};

use crate::error::{FieldError, Rule};

/// A rating runs from 1 (poor) to this many stars.
pub const RATING_MAX: u8 = 5;
/// The longest comment.
pub const COMMENT_MAX_CHARS: usize = 1000;
/// The longest question.
pub const QUESTION_MAX_CHARS: usize = 200;
/// Questions of one queue at most: a survey after the chat has to be short to be answered.
pub const QUESTIONS_MAX: usize = 5;

crate::string_enum! {
    /// What a question asks for.
    pub enum FeedbackKind {
        /// Stars from 1 to [`RATING_MAX`].
        Rating = "rating",
        /// Free text up to [`COMMENT_MAX_CHARS`].
        Comment = "comment",
    }
}

/// One question of a queue's post-chat survey. `id` is the stored question's (0 for a new one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedbackQuestion {
    #[serde(default)]
    pub id: i64,
    pub kind: FeedbackKind,
    /// In the customer's language when the page asked for one.
    pub label: String,
    pub required: bool,
}

/// A queue's post-chat survey as the administrator sets it
/// (`GET`/`PUT /api/admin/queues/{id}/feedback`); none asks nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueFeedback {
    pub questions: Vec<FeedbackQuestion>,
}

/// At most [`QUESTIONS_MAX`] questions, each labelled, no label twice; the field at fault is named
/// (`questions[1].label`).
pub fn check_questions(questions: &[FeedbackQuestion]) -> Result<(), FieldError> {
    if questions.len() > QUESTIONS_MAX {
        return Err(FieldError::new("questions", Rule::TooLarge { max: QUESTIONS_MAX }));
    }
    for (i, question) in questions.iter().enumerate() {
        let broken = |rule| FieldError { field: format!("questions[{i}].label").into(), rule };
        let label = question.label.trim();
        if label.is_empty() {
            return Err(broken(Rule::Required));
        }
        if label.chars().count() > QUESTION_MAX_CHARS {
            return Err(broken(Rule::TooLong { max: QUESTION_MAX_CHARS }));
        }
        if questions[..i].iter().any(|q| q.label.trim() == label) {
            return Err(broken(Rule::Taken));
        }
    }
    Ok(())
}

/// `GET /api/chat/feedback`: what the customer's page asks once the chat has ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedbackForm {
    pub questions: Vec<FeedbackQuestion>,
    /// The customer already answered: the page thanks them instead of asking again.
    pub answered: bool,
}

impl FeedbackForm {
    /// The questions in the language of `translations` (as the pre-chat survey's, `ChatSetup::translated`).
    pub fn translated(mut self, translations: &crate::translation::Translations) -> FeedbackForm {
        for q in &mut self.questions {
            q.label = crate::translation::translate(translations, &q.label).to_owned();
        }
        self
    }
}

/// The customer's answer to one question: `rating` for a rating, `comment` for a comment; a question
/// left out is skipped (refused when required).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedbackReply {
    pub question_id: i64,
    #[serde(default)]
    pub rating: Option<u8>,
    #[serde(default)]
    pub comment: Option<String>,
}

/// `POST /api/chat/feedback`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmitFeedback {
    pub replies: Vec<FeedbackReply>,
}

/// A reply that says something: a rating, or a comment with more than spaces.
fn given(reply: &FeedbackReply) -> bool {
    reply.rating.is_some() || reply.comment.as_deref().is_some_and(|c| !c.trim().is_empty())
}

/// Every reply answers one of `questions`, once, with what its kind asks for (a rating of 1 to
/// [`RATING_MAX`], a comment of at most [`COMMENT_MAX_CHARS`]), and every required question is
/// answered. The field at fault is the question's: `replies.<question id>`, so the page can put the
/// message beside it.
pub fn check_replies(questions: &[FeedbackQuestion], submit: &SubmitFeedback) -> Result<(), FieldError> {
    let field = |id: i64, rule| FieldError { field: format!("replies.{id}").into(), rule };
    for (i, reply) in submit.replies.iter().enumerate() {
        let question = questions
            .iter()
            .find(|q| q.id == reply.question_id)
            .ok_or(field(reply.question_id, Rule::NotAnOption))?;
        if submit.replies[..i].iter().any(|r| r.question_id == reply.question_id) {
            return Err(field(reply.question_id, Rule::Taken));
        }
        match question.kind {
            FeedbackKind::Rating => {
                if reply.comment.is_some() {
                    return Err(field(reply.question_id, Rule::NotAnOption));
                }
                match reply.rating {
                    Some(0) => return Err(field(reply.question_id, Rule::TooSmall { min: 1 })),
                    Some(r) if r > RATING_MAX => {
                        return Err(field(
                            reply.question_id,
                            Rule::TooLarge { max: usize::from(RATING_MAX) },
                        ));
                    }
                    _ => {}
                }
            }
            FeedbackKind::Comment => {
                if reply.rating.is_some() {
                    return Err(field(reply.question_id, Rule::NotAnOption));
                }
                if reply.comment.as_deref().is_some_and(|c| c.trim().chars().count() > COMMENT_MAX_CHARS) {
                    return Err(field(reply.question_id, Rule::TooLong { max: COMMENT_MAX_CHARS }));
                }
            }
        }
    }
    for question in questions.iter().filter(|q| q.required) {
        if !submit.replies.iter().any(|r| r.question_id == question.id && given(r)) {
            return Err(field(question.id, Rule::Required));
        }
    }
    if !submit.replies.iter().any(given) {
        return Err(FieldError::new("replies", Rule::Required));
    }
    Ok(())
}

/// One answer as it is kept and shown (History, the detail): the question as it was asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedbackAnswer {
    pub question: String,
    pub kind: FeedbackKind,
    pub rating: Option<u8>,
    pub comment: Option<String>,
}

/// `★★★★☆`: a rating as stars out of [`RATING_MAX`].
pub fn stars(rating: u8) -> String {
    let rating = rating.min(RATING_MAX);
    "★".repeat(usize::from(rating)) + &"☆".repeat(usize::from(RATING_MAX - rating))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn questions() -> Vec<FeedbackQuestion> {
        vec![
            FeedbackQuestion {
                id: 7,
                kind: FeedbackKind::Rating,
                label: "How did we do?".into(),
                required: true,
            },
            FeedbackQuestion {
                id: 9,
                kind: FeedbackKind::Comment,
                label: "Anything else?".into(),
                required: false,
            },
        ]
    }

    fn reply(question_id: i64, rating: Option<u8>, comment: Option<&str>) -> FeedbackReply {
        FeedbackReply { question_id, rating, comment: comment.map(str::to_owned) }
    }

    fn check(replies: Vec<FeedbackReply>) -> Result<(), String> {
        check_replies(&questions(), &SubmitFeedback { replies })
            .map_err(|e| format!("{} {:?}", e.field, e.rule))
    }

    #[test]
    fn a_rating_and_a_comment_pass() {
        assert_eq!(check(vec![reply(7, Some(5), None), reply(9, None, Some("Quick, thanks"))]), Ok(()));
        assert_eq!(check(vec![reply(7, Some(1), None)]), Ok(()));
    }

    #[test]
    fn ratings_run_from_one_to_five() {
        assert_eq!(check(vec![reply(7, Some(0), None)]), Err("replies.7 TooSmall { min: 1 }".into()));
        assert_eq!(check(vec![reply(7, Some(6), None)]), Err("replies.7 TooLarge { max: 5 }".into()));
    }

    #[test]
    fn a_required_question_must_be_answered_and_something_must_be_said() {
        assert_eq!(check(vec![reply(9, None, Some("Hello"))]), Err("replies.7 Required".into()));
        let optional: Vec<FeedbackQuestion> =
            questions().into_iter().map(|q| FeedbackQuestion { required: false, ..q }).collect();
        let empty = SubmitFeedback { replies: vec![reply(9, None, Some("   "))] };
        assert_eq!(check_replies(&optional, &empty).unwrap_err().field, "replies");
    }

    #[test]
    fn replies_must_fit_their_question() {
        assert_eq!(check(vec![reply(8, Some(3), None)]), Err("replies.8 NotAnOption".into()));
        assert_eq!(
            check(vec![reply(7, Some(3), None), reply(7, Some(4), None)]),
            Err("replies.7 Taken".into())
        );
        assert_eq!(check(vec![reply(7, Some(3), Some("x"))]), Err("replies.7 NotAnOption".into()));
        assert_eq!(
            check(vec![reply(7, Some(3), None), reply(9, Some(2), None)]),
            Err("replies.9 NotAnOption".into())
        );
        let long = "é".repeat(COMMENT_MAX_CHARS + 1);
        assert_eq!(
            check(vec![reply(7, Some(3), None), reply(9, None, Some(&long))]),
            Err("replies.9 TooLong { max: 1000 }".into())
        );
    }

    #[test]
    fn the_administrator_sets_a_few_distinct_labelled_questions() {
        assert_eq!(check_questions(&questions()), Ok(()));
        let mut twice = questions();
        twice[1].label = " How did we do? ".into();
        assert_eq!(check_questions(&twice).unwrap_err().field, "questions[1].label");
        let mut blank = questions();
        blank[0].label = "  ".into();
        assert_eq!(check_questions(&blank).unwrap_err().rule, Rule::Required);
        let many: Vec<FeedbackQuestion> = (0..=QUESTIONS_MAX as i64)
            .map(|i| FeedbackQuestion {
                id: 0,
                kind: FeedbackKind::Rating,
                label: format!("Q{i}"),
                required: false,
            })
            .collect();
        assert_eq!(check_questions(&many).unwrap_err().field, "questions");
    }

    #[test]
    fn stars_show_the_rating_out_of_five() {
        assert_eq!(stars(4), "★★★★☆");
        assert_eq!(stars(9), "★★★★★");
    }
}
