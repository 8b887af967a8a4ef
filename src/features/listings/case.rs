//! The case an interaction belongs to, opened from its detail: number and title, status, priority and
//! description, and its interactions the user may see, each opening its own detail. Its words come
//! with the listings' pack (the desk's case pane has its own chunk; sharing its words' code would put
//! that code in the desk's start).

use std::sync::Arc;

use hovor_types::listing::LinkedCase;
use leptos::prelude::*;

use super::css;
use super::strings::ListingWords;
use crate::api::listings as api;
use crate::format::date_time;
use crate::i18n::{Locale, t_string, use_i18n};

#[component]
pub fn CaseView(interaction_id: i64, words: Arc<ListingWords>) -> impl IntoView {
    let i18n = use_i18n();
    let linked = LocalResource::new(move || api::linked_case(interaction_id));
    move || match linked.get() {
        None => view! { <p class=css::note role="status">{t_string!(i18n, pane.loading)}</p> }.into_any(),
        Some(Err(_)) => {
            view! { <p class=css::note role="alert">{t_string!(i18n, pane.error)}</p> }.into_any()
        }
        Some(Ok(linked)) => drawn(&words, i18n.get_locale(), linked).into_any(),
    }
}

fn drawn(words: &ListingWords, locale: Locale, linked: LinkedCase) -> impl IntoView + use<> {
    let case = linked.case;
    let interactions = linked
        .interactions
        .into_iter()
        .map(|row| {
            let href = format!("?activityDetail={}", row.unique_name);
            let title = if row.title.is_empty() { row.text.clone() } else { row.title.clone() };
            view! {
                <li>
                    <a href=href data-testid="case-interaction">{date_time(locale, row.at)}" · "{words.channel(row.channel).to_owned()}" · "{title}</a>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class=css::linked_case data-testid="case-view">
            <h3>{format!("{} · {}", case.number, case.title)}</h3>
            <dl class=css::fields>
                <dt>{words.status.clone()}</dt>
                <dd data-testid="case-status">{words.case_status(case.status).to_owned()}</dd>
                <dt>{words.priority.clone()}</dt>
                <dd>{words.priority(case.priority).to_owned()}</dd>
            </dl>
            {(!case.description.is_empty()).then(|| view! { <p>{case.description.clone()}</p> })}
            <h4>{words.case_interactions.clone()}</h4>
            <ul>{interactions}</ul>
        </section>
    }
}
