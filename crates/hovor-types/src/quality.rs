//! Quality reviews (DAK's QA review): an administrator's scorecards, each a list of criteria with the
//! points they are worth, and a reviewer's scores of one interaction against one of them.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::Millis;
use crate::error::{FieldError, Rule};
use crate::listing::Named;
use crate::validate::text;

pub const SCORECARD_NAME_MAX: usize = 100;
pub const CRITERIA_MAX: usize = 20;
pub const CRITERION_LABEL_MAX: usize = 200;
/// The most points one criterion is worth.
pub const POINTS_MAX: u32 = 100;
pub const REVIEW_COMMENT_MAX: usize = 2000;

/// One thing a reviewer scores, from 0 to `max_points`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Criterion {
    pub label: String,
    pub max_points: u32,
}

/// A scorecard as the administrator writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewScorecard {
    pub name: String,
    pub criteria: Vec<Criterion>,
}

/// `criteria.<n>.<part>`: the field of one criterion (counted from 0).
fn criterion_field(n: usize, part: &str) -> Cow<'static, str> {
    Cow::Owned(format!("criteria.{n}.{part}"))
}

impl NewScorecard {
    /// Trimmed; a name, 1 to [`CRITERIA_MAX`] criteria, each labelled and worth 1 to [`POINTS_MAX`].
    pub fn checked(&self) -> Result<NewScorecard, FieldError> {
        let name = text("name", &self.name, true, SCORECARD_NAME_MAX)?.to_owned();
        if self.criteria.is_empty() {
            return Err(FieldError::new("criteria", Rule::Required));
        }
        if self.criteria.len() > CRITERIA_MAX {
            return Err(FieldError::new("criteria", Rule::TooLarge { max: CRITERIA_MAX }));
        }
        let mut criteria = Vec::with_capacity(self.criteria.len());
        for (n, criterion) in self.criteria.iter().enumerate() {
            let label = text("label", &criterion.label, true, CRITERION_LABEL_MAX)
                .map_err(|e| FieldError { field: criterion_field(n, "label"), rule: e.rule })?;
            let rule = match criterion.max_points {
                0 => Some(Rule::TooSmall { min: 1 }),
                p if p > POINTS_MAX => Some(Rule::TooLarge { max: POINTS_MAX as usize }),
                _ => None,
            };
            if let Some(rule) = rule {
                return Err(FieldError { field: criterion_field(n, "max_points"), rule });
            }
            criteria.push(Criterion { label: label.to_owned(), max_points: criterion.max_points });
        }
        Ok(NewScorecard { name, criteria })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scorecard {
    pub id: i64,
    pub name: String,
    pub criteria: Vec<Criterion>,
}

impl Scorecard {
    /// The most points a review on it can give.
    pub fn max_total(&self) -> u32 {
        self.criteria.iter().map(|c| c.max_points).sum()
    }
}

/// A reviewer's scores, one per criterion of the scorecard in its order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewReview {
    pub scorecard_id: i64,
    pub scores: Vec<u32>,
    #[serde(default)]
    pub comment: String,
}

impl NewReview {
    /// One score per criterion, none above what its criterion is worth; the comment trimmed.
    pub fn checked(&self, card: &Scorecard) -> Result<NewReview, FieldError> {
        if self.scores.len() != card.criteria.len() {
            return Err(FieldError::new("scores", Rule::NotAnOption));
        }
        for (n, (score, criterion)) in self.scores.iter().zip(&card.criteria).enumerate() {
            if *score > criterion.max_points {
                let max = criterion.max_points as usize;
                return Err(FieldError {
                    field: Cow::Owned(format!("scores.{n}")),
                    rule: Rule::TooLarge { max },
                });
            }
        }
        let comment = text("comment", &self.comment, false, REVIEW_COMMENT_MAX)?.to_owned();
        Ok(NewReview { comment, ..self.clone() })
    }
}

/// A stored review of an interaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Review {
    pub id: i64,
    pub scorecard: Named,
    pub reviewer: Named,
    pub at: Millis,
    pub scores: Vec<u32>,
    pub total: u32,
    pub max_total: u32,
    pub comment: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card() -> Scorecard {
        Scorecard {
            id: 1,
            name: "Chat".into(),
            criteria: vec![
                Criterion { label: "Greeting".into(), max_points: 5 },
                Criterion { label: "Solution".into(), max_points: 10 },
            ],
        }
    }

    #[test]
    fn a_scorecard_needs_a_name_and_labelled_criteria_worth_some_points() {
        let new = NewScorecard { name: " Chat ".into(), criteria: card().criteria };
        assert_eq!(new.checked().unwrap().name, "Chat");
        let refused = |n: NewScorecard| n.checked().unwrap_err();
        assert_eq!(
            refused(NewScorecard { criteria: vec![], ..new.clone() }),
            FieldError::new("criteria", Rule::Required)
        );
        let mut blank = new.clone();
        blank.criteria[1].label = "  ".into();
        assert_eq!(refused(blank).field, "criteria.1.label");
        let mut worthless = new.clone();
        worthless.criteria[0].max_points = 0;
        assert_eq!(refused(worthless).rule, Rule::TooSmall { min: 1 });
        let mut too_much = new.clone();
        too_much.criteria[0].max_points = POINTS_MAX + 1;
        assert_eq!(refused(too_much).field, "criteria.0.max_points");
        assert_eq!(card().max_total(), 15);
    }

    #[test]
    fn a_review_scores_every_criterion_within_its_points() {
        let review = NewReview { scorecard_id: 1, scores: vec![5, 7], comment: " Good ".into() };
        assert_eq!(review.checked(&card()).unwrap().comment, "Good");
        let refused = |r: NewReview| r.checked(&card()).unwrap_err();
        assert_eq!(
            refused(NewReview { scores: vec![5], ..review.clone() }),
            FieldError::new("scores", Rule::NotAnOption)
        );
        let over = refused(NewReview { scores: vec![5, 11], ..review.clone() });
        assert_eq!((over.field.as_ref(), over.rule), ("scores.1", Rule::TooLarge { max: 10 }));
        let long = "x".repeat(REVIEW_COMMENT_MAX + 1);
        assert_eq!(refused(NewReview { comment: long, ..review }).field, "comment");
    }
}
