//! An interaction's quality reviews in its detail (DAK's QA review): each with its scorecard, reviewer,
//! total and comment; supervisors and administrators add one against a scorecard, a score per
//! criterion, checked by `NewReview::checked` before it is sent and again by the server.

use std::sync::Arc;

use hovor_types::auth::Role;
use hovor_types::quality::{NewReview, Review, Scorecard};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::css;
use super::strings::ListingWords;
use crate::api::listings as api;
use crate::components::form::{FieldMessage, FormErrors, rule_words};
use crate::components::strings::fill;
use crate::format::date_time;
use crate::i18n::{t_string, use_i18n};
use crate::state::session::{SessionState, use_session};

#[component]
pub fn Reviews(interaction_id: i64, words: Arc<ListingWords>) -> impl IntoView {
    let i18n = use_i18n();
    let reviewer =
        matches!(use_session().0.get_untracked(), SessionState::SignedIn(me) if me.role != Role::Agent);
    let reviews = LocalResource::new(move || api::reviews(interaction_id));
    let list = {
        let words = words.clone();
        move || {
            let locale = i18n.get_locale();
            reviews.get().map(|found| match found {
                Err(_) => {
                    view! { <p class=css::problem role="alert">{t_string!(i18n, pane.error)}</p> }.into_any()
                }
                Ok(found) if found.is_empty() => {
                    view! { <p class=css::note>{words.no_reviews.clone()}</p> }.into_any()
                }
                Ok(found) => found
                    .into_iter()
                    .map(|review| review_item(&words, date_time(locale, review.at), review))
                    .collect_view()
                    .into_any(),
            })
        }
    };
    view! {
        <h3>{words.reviews.clone()}</h3>
        <ul class=css::reviews data-testid="detail-reviews">{list}</ul>
        {reviewer.then(|| view! { <ReviewForm interaction_id words=words.clone() on_saved=Callback::new(move |_| reviews.refetch()) /> })}
    }
}

fn review_item(words: &ListingWords, when: String, review: Review) -> impl IntoView {
    let total =
        fill(&words.total, &[("total", &review.total.to_string()), ("max", &review.max_total.to_string())]);
    view! {
        <li data-testid="detail-review">
            <strong>{review.scorecard.name}</strong>" · "<span data-testid="review-total">{total}</span>
            <span class=css::muted>" · "{review.reviewer.name}" · "{when}</span>
            {(!review.comment.is_empty()).then(|| view! { <p class=css::note>{review.comment}</p> })}
        </li>
    }
}

#[component]
fn ReviewForm(interaction_id: i64, words: Arc<ListingWords>, on_saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let cards = LocalResource::new(api::scorecards);
    let chosen = RwSignal::new(None::<i64>);
    let scores = RwSignal::new(Vec::<String>::new());
    let comment = RwSignal::new(String::new());
    let errors = FormErrors::default();
    let said = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let card = Memo::new(move |_| {
        let cards = cards.get().and_then(Result::ok).unwrap_or_default();
        chosen
            .get()
            .and_then(|id| cards.iter().find(|c| c.id == id).cloned())
            .or_else(|| cards.first().cloned())
    });
    // A new scorecard starts with empty scores, one per criterion.
    Effect::new(move |_| {
        scores.set(card.with(|c| vec![String::new(); c.as_ref().map_or(0, |c| c.criteria.len())]))
    });
    let submit = {
        let words = words.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let Some(card) = card.get_untracked() else { return };
            let values = scores.get_untracked();
            let mut parsed = Vec::with_capacity(values.len());
            for (n, value) in values.iter().enumerate() {
                match value.trim().parse::<u32>() {
                    Ok(score) => parsed.push(score),
                    Err(_) => {
                        let rule = if value.trim().is_empty() {
                            hovor_types::error::Rule::Required
                        } else {
                            hovor_types::error::Rule::Malformed
                        };
                        errors.show(&format!("scores.{n}"), rule_words(i18n, rule));
                        return;
                    }
                }
            }
            let review =
                NewReview { scorecard_id: card.id, scores: parsed, comment: comment.get_untracked() };
            let review = match review.checked(&card) {
                Ok(review) => review,
                Err(e) => return errors.show(&e.field, rule_words(i18n, e.rule)),
            };
            errors.clear();
            busy.set(true);
            let (saved, failed) = (words.review_saved.clone(), t_string!(i18n, form.failed).to_string());
            spawn_local(async move {
                match api::add_review(interaction_id, &review).await {
                    Ok(_) => {
                        let _ = said.try_set(Some(saved));
                        let _ = comment.try_set(String::new());
                        let _ = scores.try_update(|s| s.iter_mut().for_each(String::clear));
                        on_saved.run(());
                    }
                    Err(e) => errors.answer(i18n, &e, failed),
                }
                let _ = busy.try_set(false);
            });
        }
    };
    let options = move || {
        cards.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|c: Scorecard| {
            let id = c.id;
            view! { <option value=id selected=move || card.with(|k| k.as_ref().map(|k| k.id) == Some(id))>{c.name}</option> }
        }).collect_view()
    };
    let criteria = {
        let words = words.clone();
        move || {
            card.get().map(|card| {
                card.criteria.into_iter().enumerate().map(|(n, criterion)| {
                    let field = format!("scores.{n}");
                    let label = fill(&words.points, &[("label", &criterion.label), ("max", &criterion.max_points.to_string())]);
                    let error = errors.message(field.clone());
                    view! {
                        <label class=css::field>
                            <span>{label}</span>
                            <input type="number" min="0" max=criterion.max_points name=field.clone() inputmode="numeric"
                                data-testid="review-score"
                                aria-invalid=move || error.with(Option::is_some).to_string()
                                prop:value=move || scores.with(|s| s.get(n).cloned().unwrap_or_default())
                                on:input=move |ev| scores.update(|s| if let Some(v) = s.get_mut(n) { *v = event_target_value(&ev) }) />
                            {move || error.get().map(|m| view! { <p class=crate::components::form::css::error role="alert" data-field=field.clone()>{m}</p> })}
                        </label>
                    }
                }).collect_view()
            })
        }
    };
    let has_cards = move || cards.get().and_then(Result::ok).is_some_and(|c| !c.is_empty());
    let no_cards = words.no_scorecards.clone();
    view! {
        <h3>{words.add_review.clone()}</h3>
        <Show when=has_cards fallback=move || view! { <p class=css::note>{no_cards.clone()}</p> }>
            <form class=css::review_form on:submit=submit.clone() novalidate data-testid="review-form">
                <label class=css::field>
                    <span>{words.scorecard.clone()}</span>
                    <select name="scorecard_id" on:change=move |ev| chosen.set(event_target_value(&ev).parse().ok())>{options}</select>
                    <FieldMessage errors field="scorecard_id" />
                </label>
                {criteria.clone()}
                <label class=css::field>
                    <span>{words.comment.clone()}</span>
                    <textarea name="comment" rows="2" prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                    <FieldMessage errors field="comment" />
                </label>
                <button type="submit" class="button" data-testid="review-save" disabled=move || busy.get()>{words.save_review.clone()}</button>
                <FieldMessage errors field="" />
                <p class=css::note role="status" data-testid="review-said">{move || said.get()}</p>
            </form>
        </Show>
    }
}
