//! The filters above the list: the channel (applied at once), then Time (a preset or a range of days),
//! users, queues, text, status and direction, applied by Search after the same checks the server makes.

use std::sync::Arc;

use hovor_types::conversation::Channel;
use hovor_types::listing::{Group, InteractionQuery, InteractionStatus, Named, TimePreset, id_list, ids};
use hovor_types::message::Direction;
use leptos::prelude::*;

use super::strings::ListingWords;
use super::{Listing, css};
use crate::components::form::{FieldMessage, FormErrors};
use crate::components::strings::fill;
use crate::format::zones::{IntlZones, own_zone, today};

/// The filters as typed, before Search applies them.
#[derive(Clone, Copy)]
pub struct Form {
    time: RwSignal<TimePreset>,
    from: RwSignal<String>,
    to: RwSignal<String>,
    text: RwSignal<String>,
    status: RwSignal<Option<InteractionStatus>>,
    direction: RwSignal<Option<Direction>>,
    users: RwSignal<Vec<i64>>,
    queues: RwSignal<Vec<i64>>,
    errors: FormErrors,
}

impl Form {
    pub fn of(query: &InteractionQuery) -> Form {
        Form {
            time: RwSignal::new(query.time.unwrap_or(TimePreset::Today)),
            from: RwSignal::new(query.from.clone().unwrap_or_default()),
            to: RwSignal::new(query.to.clone().unwrap_or_default()),
            text: RwSignal::new(query.text.clone().unwrap_or_default()),
            status: RwSignal::new(query.status),
            direction: RwSignal::new(query.direction),
            users: RwSignal::new(ids(query.users.as_deref(), "users").unwrap_or_default()),
            queues: RwSignal::new(ids(query.queues.as_deref(), "queues").unwrap_or_default()),
            errors: FormErrors::default(),
        }
    }

    /// The query these filters make, keeping the applied one's channel and order, from its first page.
    fn query(self, applied: &InteractionQuery) -> InteractionQuery {
        let custom = self.time.get_untracked() == TimePreset::Custom;
        let text = self.text.get_untracked().trim().to_owned();
        InteractionQuery {
            time: Some(self.time.get_untracked()),
            from: custom.then(|| self.from.get_untracked()),
            to: custom.then(|| self.to.get_untracked()),
            zone: Some(own_zone()),
            text: (!text.is_empty()).then_some(text),
            status: self.status.get_untracked(),
            direction: self.direction.get_untracked(),
            users: id_list(&self.users.get_untracked()),
            queues: id_list(&self.queues.get_untracked()),
            page: None,
            ..applied.clone()
        }
    }
}

/// A filter by several users or queues: a disclosure with a checkbox for each group (choosing all of
/// its members) and for each one, saying how many are chosen (none: all of them).
fn picker(
    name: &'static str,
    label: String,
    words: &ListingWords,
    options: Signal<Vec<Named>>,
    groups: Signal<Vec<Group>>,
    chosen: RwSignal<Vec<i64>>,
) -> impl IntoView + use<> {
    let (all, count) = (words.all.clone(), words.chosen.clone());
    let summary = move || match chosen.with(Vec::len) {
        0 => format!("{label}: {all}"),
        n => format!("{label}: {}", fill(&count, &[("count", &n.to_string())])),
    };
    let boxes = move || {
        options
            .get()
            .into_iter()
            .map(|option| {
                let id = option.id;
                view! {
                    <label class=css::choice>
                        <input type="checkbox" value=id prop:checked=move || chosen.with(|c| c.contains(&id))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|c| {
                                    c.retain(|x| *x != id);
                                    if on {
                                        c.push(id);
                                    }
                                });
                            } />
                        {option.name}
                    </label>
                }
            })
            .collect_view()
    };
    let group_boxes = move || {
        groups
            .get()
            .into_iter()
            .map(|group| {
                let ids = StoredValue::new(group.ids);
                let all_chosen =
                    move || ids.with_value(|ids| chosen.with(|c| ids.iter().all(|id| c.contains(id))));
                view! {
                    <label class=css::choice data-testid="listing-group">
                        <input type="checkbox" prop:checked=all_chosen
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                ids.with_value(|ids| chosen.update(|c| {
                                    c.retain(|x| !ids.contains(x));
                                    if on {
                                        c.extend(ids.iter().copied());
                                    }
                                }));
                            } />
                        <strong>{group.name}</strong>
                    </label>
                }
            })
            .collect_view()
    };
    view! {
        <details class=css::picker data-testid=format!("listing-{name}")>
            <summary>{summary}</summary>
            <div class=css::choices>{group_boxes}{boxes}</div>
        </details>
    }
}

#[component]
pub fn Filters(listing: Listing, words: Arc<ListingWords>) -> impl IntoView {
    let form = listing.form;
    let errors = form.errors;
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let query = form.query(&listing.applied.get_untracked());
        match query.check(today(), &IntlZones) {
            Ok(_) => {
                errors.clear();
                listing.applied.set(query);
            }
            Err(e) => errors.field(&e),
        }
    };
    // DAK's order: Emails, Chats, Calls.
    let channels = [Channel::Email, Channel::Chat, Channel::Voice]
        .into_iter()
        .map(|channel| {
            let pressed = move || listing.applied.with(|q| q.channel == Some(channel));
            view! {
                <button type="button" class="button" data-testid="listing-channel" data-channel=channel.as_str()
                    aria-pressed=move || pressed().to_string()
                    on:click=move |_| listing.applied.update(|q| {
                        q.channel = Some(channel);
                        q.page = None;
                    })>
                    {words.channel(channel).to_owned()}
                </button>
            }
        })
        .collect_view();
    let presets = TimePreset::ALL
        .iter()
        .map(|&preset| view! { <option value=preset.as_str() selected=move || form.time.get() == preset>{words.preset(preset).to_owned()}</option> })
        .collect_view();
    let statuses = InteractionStatus::ALL
        .iter()
        .map(|&s| view! { <option value=s.as_str() selected=move || form.status.get() == Some(s)>{words.status(s).to_owned()}</option> })
        .collect_view();
    let directions = Direction::ALL
        .iter()
        .map(|&d| view! { <option value=d.as_str() selected=move || form.direction.get() == Some(d)>{words.direction(d).to_owned()}</option> })
        .collect_view();
    let custom = move || form.time.get() == TimePreset::Custom;
    let choices = listing.choices;
    let users =
        Signal::derive(move || choices.get().and_then(Result::ok).map(|c| c.users).unwrap_or_default());
    let queues =
        Signal::derive(move || choices.get().and_then(Result::ok).map(|c| c.queues).unwrap_or_default());
    let teams =
        Signal::derive(move || choices.get().and_then(Result::ok).map(|c| c.teams).unwrap_or_default());
    let user_picker = picker("users", words.users.clone(), &words, users, teams, form.users);
    let queue_picker =
        picker("queues", words.queues.clone(), &words, queues, Signal::stored(Vec::new()), form.queues);
    let (from_label, to_label) = (words.from.clone(), words.to.clone());
    view! {
        <div class=css::channels role="group" aria-label=words.title.clone()>{channels}</div>
        <form class=css::filters on:submit=search novalidate>
            <label class=css::field>
                <span>{words.time.clone()}</span>
                <select name="time" data-testid="listing-time"
                    on:change=move |ev| form.time.set(TimePreset::parse(&event_target_value(&ev)).unwrap_or(TimePreset::Today))>
                    {presets}
                </select>
                <FieldMessage errors field="time" />
            </label>
            <Show when=custom>
                <label class=css::field>
                    <span>{from_label.clone()}</span>
                    <input type="date" name="from" prop:value=move || form.from.get()
                        aria-invalid=move || errors.message("from").with(Option::is_some).to_string()
                        on:input=move |ev| form.from.set(event_target_value(&ev)) />
                    <FieldMessage errors field="from" />
                </label>
                <label class=css::field>
                    <span>{to_label.clone()}</span>
                    <input type="date" name="to" prop:value=move || form.to.get()
                        aria-invalid=move || errors.message("to").with(Option::is_some).to_string()
                        on:input=move |ev| form.to.set(event_target_value(&ev)) />
                    <FieldMessage errors field="to" />
                </label>
            </Show>
            {user_picker}
            {queue_picker}
            <label class=css::field>
                <span>{words.text.clone()}</span>
                <input type="search" name="text" data-testid="listing-text" prop:value=move || form.text.get()
                    aria-invalid=move || errors.message("text").with(Option::is_some).to_string()
                    on:input=move |ev| form.text.set(event_target_value(&ev)) />
                <FieldMessage errors field="text" />
            </label>
            <label class=css::field>
                <span>{words.status.clone()}</span>
                <select name="status" on:change=move |ev| form.status.set(InteractionStatus::parse(&event_target_value(&ev)))>
                    <option value="">{words.any.clone()}</option>
                    {statuses}
                </select>
            </label>
            <label class=css::field>
                <span>{words.direction.clone()}</span>
                <select name="direction" on:change=move |ev| form.direction.set(Direction::parse(&event_target_value(&ev)))>
                    <option value="">{words.any.clone()}</option>
                    {directions}
                </select>
            </label>
            <button type="submit" class="button" data-testid="listing-search">{words.search.clone()}</button>
            <FieldMessage errors field="" />
        </form>
    }
}
