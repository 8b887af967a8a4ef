//! The agent's active conversations: channel, customer, queue, last message, time since start.

use hovor_types::conversation::{Channel, TaskSummary};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::components::pane::resource_pane;
use crate::format;
use crate::i18n::{t, t_string, use_i18n};
use crate::state::clock::use_clock;
use crate::state::live::use_live;
use crate::state::routing::use_routing;

stylance::import_crate_style!(css, "src/features/task_list.module.css");

#[component]
pub fn TaskList() -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    let tasks = live.tasks;
    let routing = use_routing();
    let render = move |tasks: Vec<TaskSummary>| {
        let ringing =
            move || {
                routing.offers.get().into_iter().map(|offer| view! {
                <li class=css::ringing data-testid="ringing" data-conversation=offer.conversation_id>
                    <span class=css::top>
                        <ChannelBadge channel=offer.channel />
                        <span class=css::customer>{t!(i18n, tasks.ringing)}</span>
                    </span>
                    <span class=css::queue>{offer.queue_name}</span>
                </li>
            }).collect_view()
            };
        if tasks.is_empty() && routing.offers.with(Vec::is_empty) {
            return view! { <p class=css::empty>{t!(i18n, tasks.empty)}</p> }.into_any();
        }
        view! {
            <ul class=css::list>
                {ringing}
                {tasks.into_iter().map(|task| view! { <TaskRow task /> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    resource_pane(ViewFn::from(move || t!(i18n, tasks.title)), "task-list", tasks, render)
}

#[component]
fn TaskRow(task: TaskSummary) -> impl IntoView {
    let i18n = use_i18n();
    let clock = use_clock();
    let params = use_params_map();
    let live = use_live();
    let id = task.id;
    let last = task.last_message.clone();
    let selected = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok()) == Some(id);
    let since = move || format::duration(i18n.get_locale(), (clock.0.get() - task.started_at) / 1000);
    view! {
        <li>
            <a href=format!("/desk/{id}") class=css::row data-testid="task" aria-current=move || selected().then_some("page")>
                <span class=css::top>
                    <ChannelBadge channel=task.channel />
                    <span class=css::customer>
                        {match task.customer_name {
                            Some(name) => name.into_any(),
                            None => t!(i18n, tasks.unknown_customer).into_any(),
                        }}
                    </span>
                    <span class=css::since title=move || t_string!(i18n, tasks.since_start, duration = since()).to_string()>{since}</span>
                </span>
                <span class=css::queue>
                    {task.queue_name}
                    {task.needs_wrap_up.then(|| view! { " · " <strong data-testid="needs-wrap-up">{t!(i18n, tasks.wrap_up)}</strong> })}
                </span>
                <span class=css::last>{move || live.last_messages.with(|m| m.get(&id).cloned()).or(last.clone())}</span>
            </a>
        </li>
    }
}

/// The channel as a small labelled badge.
#[component]
pub fn ChannelBadge(channel: Channel) -> impl IntoView {
    let i18n = use_i18n();
    let label = move || match channel {
        Channel::Chat => t!(i18n, channel.chat).into_any(),
        Channel::Email => t!(i18n, channel.email).into_any(),
        Channel::Voice => t!(i18n, channel.voice).into_any(),
    };
    view! { <span class=css::channel data-channel=channel.as_str()>{label}</span> }
}
