//! The list itself: the found count, column headers that sort (again reverses), one row per
//! interaction with DAK's columns (and for chats the post-chat survey's rating) and its eye to the
//! detail, and paging.

use std::sync::Arc;

use hovor_types::conversation::Channel;
use hovor_types::listing::{InteractionRow, SortColumn};
use hovor_types::message::Direction;
use leptos::prelude::*;

use super::strings::ListingWords;
use super::{Listing, css};
use crate::components::form::api_text;
use crate::components::icon::{Glyph, Icon};
use crate::components::strings::fill;
use crate::format::date_time;
use crate::i18n::{t_string, use_i18n};
use crate::state::configured::ConfiguredText;
use crate::widgets::feedback::rating_view;

/// "Found: 68", for the filters applied (paging and sorting keep it).
#[component]
pub fn Found(listing: Listing, words: Arc<ListingWords>) -> impl IntoView {
    let found = move || {
        listing
            .count
            .get()
            .and_then(Result::ok)
            .map(|c| fill(&words.found, &[("count", &c.total.to_string())]))
    };
    view! { <p class=css::found role="status" data-testid="listing-found">{found}</p> }
}

#[component]
pub fn Table(listing: Listing, words: Arc<ListingWords>) -> impl IntoView {
    let i18n = use_i18n();
    let head = [
        (SortColumn::Time, &words.col_time),
        (SortColumn::Queue, &words.col_queue),
        (SortColumn::User, &words.col_user),
        (SortColumn::Contact, &words.col_contact),
        (SortColumn::Title, &words.col_title),
        (SortColumn::Attachments, &words.col_attachments),
    ]
    .into_iter()
    .map(|(column, label)| sort_header(listing, column, label.clone()))
    .collect_view();
    let status_head = sort_header(listing, SortColumn::Status, words.col_status.clone());
    // Only a chat has a post-chat survey.
    let rated = move || listing.applied.with(|q| q.channel == Some(Channel::Chat));
    let rating_head = {
        let label = words.col_rating.clone();
        move || rated().then(|| sort_header(listing, SortColumn::Rating, label.clone()))
    };
    let columns = move || if rated() { "10" } else { "9" };
    let body = {
        let words = words.clone();
        move || {
            match listing.page.get() {
            None => None,
            Some(Err(e)) => Some(
                view! {
                    <tr><td colspan=columns() class=css::problem role="alert">
                        {api_text(i18n, &e, t_string!(i18n, pane.error).to_string())}
                    </td></tr>
                }
                .into_any(),
            ),
            Some(Ok(page)) if page.rows.is_empty() => Some(
                view! { <tr><td colspan=columns() class=css::note data-testid="listing-empty">{words.empty.clone()}</td></tr> }
                    .into_any(),
            ),
            Some(Ok(page)) => {
                let rated = rated();
                Some(page.rows.into_iter().map(|row| row_view(i18n, &words, row, rated)).collect_view().into_any())
            }
        }
        }
    };
    let state = move || match listing.page.get() {
        None => "loading",
        Some(Err(_)) => "failed",
        Some(Ok(_)) => "ready",
    };
    let current = move || listing.applied.with(|q| q.page.unwrap_or(0));
    let more = move || listing.page.get().and_then(Result::ok).is_some_and(|p| p.more);
    let page_label = {
        let words = words.clone();
        move || fill(&words.page, &[("page", &(current() + 1).to_string())])
    };
    view! {
        <div class=css::scroll>
            <table class=css::table data-testid="listing" data-state=state aria-busy=move || (state() == "loading").to_string()>
                <thead>
                    <tr>
                        <th scope="col">{words.detail_column.clone()}</th>
                        {head}
                        <th scope="col">{words.col_text.clone()}</th>
                        {status_head}
                        {rating_head}
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
        <nav class=css::paging aria-label=words.paging.clone()>
            <button type="button" class="button" data-testid="listing-previous" disabled=move || current() == 0
                on:click=move |_| listing.go_to_page(current().saturating_sub(1))>
                {words.previous.clone()}
            </button>
            <span data-testid="listing-page">{page_label}</span>
            <button type="button" class="button" data-testid="listing-next" disabled=move || !more()
                on:click=move |_| listing.go_to_page(current() + 1)>
                {words.next.clone()}
            </button>
        </nav>
    }
}

/// A header that sorts by its column, saying which way it is sorted now.
fn sort_header(listing: Listing, column: SortColumn, label: String) -> impl IntoView {
    let sorted = move || {
        listing.applied.with(|q| match (q.sort.unwrap_or(SortColumn::Time), q.desc.unwrap_or(true)) {
            (c, true) if c == column => "descending",
            (c, false) if c == column => "ascending",
            _ => "none",
        })
    };
    view! {
        <th scope="col" aria-sort=sorted>
            <button type="button" class=css::sort data-testid="listing-sort" data-column=column.as_str()
                on:click=move |_| listing.sort_by(column)>
                {label}
                <span aria-hidden="true">{move || match sorted() { "descending" => " ▼", "ascending" => " ▲", _ => "" }}</span>
            </button>
        </th>
    }
}

fn row_view(
    i18n: leptos_i18n::I18nContext<crate::i18n::Locale>,
    words: &ListingWords,
    row: InteractionRow,
    rated: bool,
) -> impl IntoView {
    let locale = i18n.get_locale_untracked();
    let detail = fill(&words.show_detail, &[("name", &row.unique_name)]);
    let status = match row.email_state {
        Some(state) if row.channel == Channel::Email && row.direction == Direction::Outbound => {
            format!("{} · {}", words.status(row.status), words.email_state(state))
        }
        _ => words.status(row.status).to_owned(),
    };
    let (direction_mark, direction) = match row.direction {
        Direction::Inbound => ("↙", words.inbound.clone()),
        Direction::Outbound => ("↗", words.outbound.clone()),
    };
    view! {
        <tr data-testid="listing-row" data-name=row.unique_name.clone()>
            <td>
                <a class="button" href=format!("?activityDetail={}", row.unique_name) aria-label=detail.clone() title=detail
                    data-testid="listing-detail">
                    <Icon glyph=Glyph::Eye />
                </a>
            </td>
            <td class=css::nowrap>
                <span aria-label=direction.clone() title=direction>{direction_mark}</span>" "
                {date_time(locale, row.at)}
            </td>
            <td><ConfiguredText text=row.queue.name /></td>
            <td>{row.user.map(|u| u.name).unwrap_or_default()}</td>
            <td>{match row.contact {
                Some(contact) => contact.name.into_any(),
                // DAK's "+": the detail opens with the contact search.
                None if !row.anonymised => view! {
                    <a class=format!("button {}", css::pair) href=format!("?activityDetail={}&pair", row.unique_name)
                        aria-label=words.pair_contact.clone() title=words.pair_contact.clone() data-testid="listing-pair">"+"</a>
                }
                .into_any(),
                None => view! { <span class=css::muted>{words.not_paired.clone()}</span> }.into_any(),
            }}</td>
            <td>{if row.anonymised {
                view! { <span class=css::muted data-testid="listing-anonymised">{words.anonymised.clone()}</span> }.into_any()
            } else {
                view! { <span class=css::clip>{row.title}</span> }.into_any()
            }}</td>
            <td class=css::number>{row.attachments}</td>
            <td><span class=css::clip>{row.text}</span></td>
            <td data-testid="listing-status">{status}</td>
            {rated.then(|| view! {
                <td data-testid="listing-rating">
                    {row.rating.map(rating_view)}
                    {row.comment.map(|c| view! { " " <span class=format!("{} {}", css::clip, css::narrow)>{c}</span> })}
                </td>
            })}
        </tr>
    }
}
