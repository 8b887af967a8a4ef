//! The filters above the list: the channel (applied at once), then Time (a preset or a range of days),
//! users and queues (with their groups; deactivated ones behind the crossed-out eye), text, status,
//! direction and the Advanced filter, applied by Search after the same checks the server makes.

use std::sync::Arc;

use hovor_types::conversation::Channel;
use hovor_types::listing::advanced::advanced_param;
use hovor_types::listing::{
    Group, InteractionQuery, InteractionStatus, ListingChoices, Named, TimePreset, id_list, ids,
};
use hovor_types::message::Direction;
use leptos::prelude::*;

use super::advanced::{AdvancedFilter, Conditions};
use super::strings::ListingWords;
use super::{Listing, css};
use crate::api::ApiError;
use crate::components::form::{FieldMessage, FormErrors};
use crate::components::strings::fill;
use crate::format::zones::{IntlZones, own_zone, today};
use crate::state::configured::use_configured;

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
    advanced: Conditions,
    /// Whether the user and queue filters offer deactivated ones too (DAK's crossed-out eye).
    show_inactive: RwSignal<bool>,
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
            advanced: Conditions::of(query.advanced.as_deref()),
            show_inactive: RwSignal::new(false),
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
            advanced: advanced_param(&self.advanced.list()),
            page: None,
            ..applied.clone()
        }
    }
}

/// One part of the choices, empty until they arrive.
fn part<T: Clone + Send + Sync + 'static>(
    choices: LocalResource<Result<ListingChoices, ApiError>>,
    of: fn(ListingChoices) -> Vec<T>,
) -> Signal<Vec<T>> {
    Signal::derive(move || choices.get().and_then(Result::ok).map(of).unwrap_or_default())
}

/// What one user or queue filter offers.
struct Offered {
    options: Signal<Vec<Named>>,
    groups: Signal<Vec<Group>>,
    /// Which options are deactivated: offered only when `show_inactive` (or already chosen).
    inactive: Signal<Vec<i64>>,
}

/// A filter by several users or queues: a disclosure with a checkbox for each group (choosing all of
/// its members) and for each one, saying how many are chosen (none: all of them).
fn picker(
    name: &'static str,
    label: String,
    words: &ListingWords,
    offered: Offered,
    show_inactive: RwSignal<bool>,
    chosen: RwSignal<Vec<i64>>,
) -> impl IntoView + use<> {
    let Offered { options, groups, inactive } = offered;
    let inactive_word = words.inactive.clone();
    let (all, count) = (words.all.clone(), words.chosen.clone());
    let summary = move || match chosen.with(Vec::len) {
        0 => format!("{label}: {all}"),
        n => format!("{label}: {}", fill(&count, &[("count", &n.to_string())])),
    };
    let boxes = move || {
        let (show, inactive) = (show_inactive.get(), inactive.get());
        options
            .get()
            .into_iter()
            .filter(|o| show || !inactive.contains(&o.id) || chosen.with_untracked(|c| c.contains(&o.id)))
            .map(|option| {
                let marker = inactive.contains(&option.id).then(|| inactive_word.clone());
                choice_box(option, marker, chosen, "listing-choice")
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

/// One user's or queue's checkbox, chosen while its id is in `chosen`; `marker` says it is
/// deactivated.
pub fn choice_box(
    option: Named,
    marker: Option<String>,
    chosen: RwSignal<Vec<i64>>,
    testid: &'static str,
) -> impl IntoView + use<> {
    let id = option.id;
    let marker = marker.map(|word| view! { <span class=css::muted>" · "{word}</span> });
    view! {
        <label class=css::choice>
            <input type="checkbox" value=id data-testid=testid prop:checked=move || chosen.with(|c| c.contains(&id))
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    chosen.update(|c| {
                        c.retain(|x| *x != id);
                        if on {
                            c.push(id);
                        }
                    });
                } />
            {option.name}{marker}
        </label>
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
            Err(e) => {
                if e.field.starts_with("advanced") {
                    form.advanced.open.set(true);
                }
                errors.field(&e)
            }
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
    let user_picker = picker(
        "users",
        words.users.clone(),
        &words,
        Offered {
            options: part(choices, |c| c.users),
            groups: part(choices, |c| c.teams),
            inactive: part(choices, |c| c.inactive_users),
        },
        form.show_inactive,
        form.users,
    );
    // Queues by the names the desk shows them under, in the user's language.
    let configured = use_configured();
    let queues = part(choices, |c| c.queues);
    let queues = Signal::derive(move || {
        queues.get().into_iter().map(|q| Named { name: configured.text(&q.name), ..q }).collect()
    });
    let queue_picker = picker(
        "queues",
        words.queues.clone(),
        &words,
        Offered {
            options: queues,
            groups: part(choices, |c| c.queue_groups),
            inactive: part(choices, |c| c.inactive_queues),
        },
        form.show_inactive,
        form.queues,
    );
    let show_inactive = form.show_inactive;
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
            <button type="button" class=format!("button {}", css::eye) data-testid="listing-show-inactive"
                aria-pressed=move || show_inactive.get().to_string() title=words.show_inactive.clone()
                aria-label=words.show_inactive.clone() on:click=move |_| show_inactive.update(|s| *s = !*s)>
                <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2">
                    <path d="M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z" />
                    <circle cx="12" cy="12" r="3" />
                    <line x1="3" y1="3" x2="21" y2="21" />
                </svg>
            </button>
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
            <AdvancedFilter conditions=form.advanced errors words=words.clone() />
            <button type="submit" class="button" data-testid="listing-search">{words.search.clone()}</button>
            <FieldMessage errors field="" />
        </form>
    }
}
