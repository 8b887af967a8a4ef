//! What a customer said in the post-chat survey, as the History tab and the interaction's detail show
//! it: each question as it was asked, with the stars given or the comment.

use hovor_types::feedback::{FeedbackAnswer, RATING_MAX, stars};
use leptos::prelude::*;

use crate::state::configured::ConfiguredText;
use crate::widgets::record::css;

/// The answers as a list of facts; nothing when there are none.
#[component]
pub fn FeedbackAnswers(answers: Vec<FeedbackAnswer>) -> impl IntoView {
    (!answers.is_empty()).then(|| {
        let rows = answers
            .into_iter()
            .map(|a| {
                let said = match (a.rating, a.comment) {
                    (Some(rating), _) => rating_view(rating).into_any(),
                    (None, Some(comment)) => view! { <span class=css::quote>{comment}</span> }.into_any(),
                    (None, None) => ().into_any(),
                };
                view! { <dt><ConfiguredText text=a.question /></dt><dd>{said}</dd> }
            })
            .collect_view();
        view! { <dl class=css::facts data-testid="feedback-answers">{rows}</dl> }
    })
}

/// `★★★★☆ 4/5`: the stars for the eye, the figure for everyone (screen readers read the figure).
pub fn rating_view(rating: u8) -> impl IntoView {
    let figure = format!("{rating}/{RATING_MAX}");
    view! {
        <span class=css::rating data-testid="feedback-rating" data-rating=rating>
            <span class=css::stars aria-hidden="true">{stars(rating)}</span>" "{figure}
        </span>
    }
}
