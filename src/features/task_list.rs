//! The agent's active conversations: channel, customer, queue, last message, time since start.

use hovor_types::conversation::{TaskSummary, Waiting};
use hovor_types::session_data::Tag;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::components::pane::resource_pane;
use crate::features::conversation::open_with_composer_focused;
use crate::format;
use crate::i18n::{t, t_string, use_i18n};
use crate::state::clock::use_clock;
use crate::state::configured::ConfiguredText;
use crate::state::live::use_live;
use crate::state::routing::use_routing;
use crate::state::shortcuts::{Action, on_shortcut};
use crate::widgets::chips::{ChannelBadge, TagChip};

stylance::import_crate_style!(css, "src/features/task_list.module.css");

#[component]
pub fn TaskList() -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    let tasks = live.tasks;
    let routing = use_routing();
    // Kept outside the render so a reload of the list keeps the agent's filter.
    let filter = RwSignal::new(None::<i64>);
    // Alt+↓ / Alt+↑: the next or previous conversation, its composer focused.
    let params = use_params_map();
    let navigate = leptos_router::hooks::use_navigate();
    let step = move |by: isize| {
        let ids = live.task_ids();
        if ids.is_empty() {
            return;
        }
        let current = params.with_untracked(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()));
        let at = current.and_then(|c| ids.iter().position(|i| *i == c));
        let n = ids.len() as isize;
        let next = match at {
            Some(at) => ids[((at as isize + by).rem_euclid(n)) as usize],
            None if by > 0 => ids[0],
            None => ids[ids.len() - 1],
        };
        let navigate = navigate.clone();
        // After the key's own handlers: they belong to the conversation this leaves.
        request_animation_frame(move || open_with_composer_focused(next, navigate));
    };
    let step = StoredValue::new(step);
    on_shortcut(Action::NextConversation, move || step.with_value(|s| s(1)));
    on_shortcut(Action::PreviousConversation, move || step.with_value(|s| s(-1)));
    let render = move |tasks: Vec<TaskSummary>| {
        let tags_of = move |task: &TaskSummary| {
            live.tags.with(|t| t.get(&task.id).cloned()).unwrap_or(task.tags.clone())
        };
        let mut all_tags: Vec<Tag> = tasks.iter().flat_map(tags_of).collect();
        all_tags.sort_by(|a, b| a.name.cmp(&b.name));
        all_tags.dedup_by_key(|t| t.id);
        let ringing =
            move || {
                routing.offers.get().into_iter().map(|offer| view! {
                <li class=css::ringing data-testid="ringing" data-conversation=offer.conversation_id>
                    <span class=css::top>
                        <ChannelBadge channel=offer.channel />
                        <span class=css::customer>{t!(i18n, tasks.ringing)}</span>
                    </span>
                    <span class=css::queue><ConfiguredText text=offer.queue_name /></span>
                </li>
            }).collect_view()
            };
        if tasks.is_empty() && routing.offers.with(Vec::is_empty) {
            return view! { <p class=css::empty>{t!(i18n, tasks.empty)}</p> }.into_any();
        }
        let shown = move || {
            let filter = filter.get();
            tasks
                .iter()
                .filter(|t| filter.is_none_or(|tag| tags_of(t).iter().any(|x| x.id == tag)))
                .cloned()
                .map(|task| view! { <TaskRow task /> })
                .collect_view()
        };
        view! {
            {(!all_tags.is_empty()).then(|| view! {
                <label class=css::filter>
                    <span>{t!(i18n, tasks.filter_tag)}</span>
                    <select data-testid="tag-filter" on:change=move |ev| filter.set(event_target_value(&ev).parse().ok())>
                        <option value="" selected=move || filter.get().is_none()>{t!(i18n, tasks.all_tags)}</option>
                        {all_tags.into_iter().map(|tag| {
                            let id = tag.id;
                            view! { <option value=id.to_string() selected=move || filter.get() == Some(id)><ConfiguredText text=tag.name /></option> }
                        }).collect_view()}
                    </select>
                </label>
            })}
            <ul class=css::list>
                {ringing}
                {shown}
            </ul>
        }
        .into_any()
    };
    let add_label = move || t_string!(i18n, tasks.schedule_callback).to_string();
    view! {
        <div class=css::frame>
            // WBX: the "+" of the task list schedules a callback when not connected to a customer.
            <a href="/desk/callbacks" class=format!("button {}", css::add) data-testid="schedule-callback"
                aria-label=add_label title=add_label>"+"</a>
            {resource_pane(ViewFn::from(move || t!(i18n, tasks.title)), "task-list", tasks, render)}
        </div>
    }
}

#[component]
fn TaskRow(task: TaskSummary) -> impl IntoView {
    let i18n = use_i18n();
    let clock = use_clock();
    let params = use_params_map();
    let live = use_live();
    let id = task.id;
    let last = task.last_message.clone();
    let own_tags = task.tags.clone();
    let tags = move || live.tags.with(|t| t.get(&id).cloned()).unwrap_or(own_tags.clone());
    let selected = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok()) == Some(id);
    let since = move || format::duration(i18n.get_locale(), (clock.get() - task.started_at) / 1000);
    let attention = live.attention;
    let (for_unread, for_waiting) = (task.clone(), task.clone());
    let unread = Memo::new(move |_| attention.unread(&for_unread));
    let waiting = Memo::new(move |_| {
        attention.waiting_since(&for_waiting).map(|at| ((clock.get() - at) / 1000).max(0))
    });
    let name = match task.customer_name.clone() {
        Some(name) => name,
        None => t_string!(i18n, tasks.unknown_customer).to_string(),
    };
    view! {
        <li>
            <a href=format!("/desk/{id}") class=css::row data-testid="task" data-channel=task.channel.as_str()
                data-unread=move || (unread.get() > 0).to_string() aria-current=move || selected().then_some("page")>
                <span class=css::top>
                    <ChannelBadge channel=task.channel />
                    <span class=css::customer title=name.clone() data-testid="task-customer">{name.clone()}</span>
                    {move || (unread.get() > 0).then(|| view! {
                        <span class=css::unread data-testid="unread" title=move || t_string!(i18n, tasks.unread, count = unread.get()).to_string()>
                            {unread}
                        </span>
                    })}
                </span>
                <span class=css::times>
                    {move || waiting.get().map(|seconds| view! {
                        <span class=css::waiting data-testid="waiting" data-level=Waiting::after(seconds).as_str()
                            title=move || t_string!(i18n, tasks.waiting_title, duration = format::duration(i18n.get_locale(), seconds)).to_string()>
                            {t!(i18n, tasks.waiting)}" "{format::stopwatch(seconds)}
                        </span>
                    })}
                    <span class=css::since data-testid="since" title=move || t_string!(i18n, tasks.since_start, duration = since()).to_string()>{since}</span>
                </span>
                <span class=css::queue>
                    <ConfiguredText text=task.queue_name />
                    {task.needs_wrap_up.then(|| view! { " · " <strong data-testid="needs-wrap-up">{t!(i18n, tasks.wrap_up)}</strong> })}
                </span>
                <span class=css::last>{move || live.last_messages.with(|m| m.get(&id).cloned()).or(last.clone())}</span>
                {task.dialling.then(|| view! { <span class=css::queue data-testid="dialling">{t!(i18n, tasks.dialling)}</span> })}
                {task.callback.clone().map(|callback| view! {
                    <span class=css::queue data-testid="callback-reason">
                        {t!(i18n, offers.callback)}{(!callback.reason.is_empty()).then(|| format!(": {}", callback.reason))}
                        // A personal callback from a chat or an email: where it was agreed.
                        {callback.agreed_in.map(|origin| view! {
                            " · " <span data-testid="callback-agreed-in" data-conversation=origin.conversation_id>
                                <ChannelBadge channel=origin.channel />" "
                                {move || t!(i18n, tasks.agreed_in, time = format::date_time(i18n.get_locale(), origin.started_at))}
                            </span>
                        })}
                    </span>
                })}
                <span class=css::tags>{move || tags().into_iter().map(|tag| view! { <TagChip tag /> }).collect_view()}</span>
            </a>
        </li>
    }
}
