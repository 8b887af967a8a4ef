//! Monitoring one conversation from the supervisor page: a chat or an email read live, a call heard
//! (Listen) or coached (Coach) through the call's own control pane, a whisper to the agent, barge-in,
//! and reassigning it to a queue or an Available agent. Each action is said back when done.

use hovor_types::conversation::Channel;
use hovor_types::routing::AgentState;
use hovor_types::supervisor::{AgentConversation, MonitorMode};
use hovor_types::timeline::EntryKind;
use hovor_types::wrap_up::TransferRequest;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{Board, css};
use crate::api::ApiError;
use crate::api::supervisor as api;
use crate::components::form::api_text;
use crate::components::lazy::lazy_view;
use crate::components::strings::fill;
use crate::features::call::call_pane;
use crate::i18n::{Locale, use_i18n};
use crate::state::live::use_live;
use crate::widgets::chips::ChannelBadge;
use leptos_i18n::I18nContext;

/// The conversation being monitored, as the agents list showed it.
#[derive(Debug, Clone, PartialEq)]
pub struct Watched {
    pub conversation: AgentConversation,
    pub agent_id: i64,
    pub agent_name: String,
}

/// Starts monitoring a conversation the way its channel allows (a call: listening) and opens it.
pub fn watch(shared: &Board, watched: Watched) {
    let i18n = use_i18n();
    let (open, said, failed) = (shared.monitoring, shared.said, shared.words.failed.clone());
    let mode =
        if watched.conversation.channel == Channel::Voice { MonitorMode::Listen } else { MonitorMode::Read };
    spawn_local(async move {
        match api::monitor(watched.conversation.conversation_id, mode).await {
            Ok(()) => open.set(Some((watched, mode))),
            Err(e) => said.set(Some(api_text(i18n, &e, failed))),
        }
    });
}

#[component]
pub fn MonitorPanel(shared: Board) -> impl IntoView {
    move || {
        shared.monitoring.get().map(|(watched, mode)| view! { <Panel watched mode shared=shared.clone() /> })
    }
}

#[component]
fn Panel(watched: Watched, mode: MonitorMode, shared: Board) -> impl IntoView {
    let i18n = use_i18n();
    let w = shared.words.clone();
    let c = watched.conversation.clone();
    let id = c.conversation_id;
    let said = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let mode = RwSignal::new(mode);
    let customer = c.customer_name.clone().unwrap_or_default();
    let title = fill(&w.monitoring, &[("customer", &customer), ("agent", &watched.agent_name)]);
    let act = Act { i18n, busy, said, failed: w.failed.clone() };
    // Wrapped up, or gone to another agent or queue: nothing is left to monitor, and the page says so.
    let gone = Memo::new(move |_| {
        shared
            .agents
            .with(|agents| !agents.iter().any(|a| a.conversations.iter().any(|c| c.conversation_id == id)))
    });
    Effect::new({
        let (open, page_said, over) = (shared.monitoring, shared.said, w.monitor_over.clone());
        move |_| {
            if gone.get() {
                open.set(None);
                page_said.set(Some(over.clone()));
            }
        }
    });
    let stop = {
        let (open, board) = (shared.monitoring, shared.board);
        move |_| {
            spawn_local(async move {
                // Over already (ended, reassigned): closing is all that is left.
                let _ = api::stop_monitoring(id).await;
                open.set(None);
                board.refetch();
            });
        }
    };
    let switch = {
        let act = act.clone();
        move |to: MonitorMode| {
            act.run(async move {
                api::monitor(id, to).await?;
                mode.set(to);
                Ok(None)
            })
        }
    };
    let barge = {
        let (act, barged) = (act.clone(), w.barged.clone());
        move |_| {
            let barged = barged.clone();
            act.run(async move {
                api::barge_in(id).await?;
                Ok(Some(barged))
            })
        }
    };
    let whisper = RwSignal::new(String::new());
    let send_whisper = {
        let (act, sent) = (act.clone(), w.whispered.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let (body, sent) = (whisper.get_untracked(), sent.clone());
            act.run(async move {
                api::whisper(id, body).await?;
                whisper.set(String::new());
                Ok(Some(sent))
            })
        }
    };
    let voice = c.channel == Channel::Voice;
    let channel = c.channel;
    view! {
        <section class=css::monitor data-testid="monitor" data-conversation=id data-mode=move || mode.get().as_str()
            aria-label=title.clone()>
            <header class=css::monitor_head>
                <h3><ChannelBadge channel />" "{title.clone()}</h3>
                <button type="button" class="button" data-testid="monitor-stop" on:click=stop>{w.stop.clone()}</button>
            </header>
            {if voice {
                let notes = (w.coach_note.clone(), w.listen_note.clone());
                view! {
                    <div class=css::actions role="group" aria-label=w.monitor.clone()>
                        <button type="button" class="button" data-testid="monitor-listen" aria-pressed=move || (mode.get() == MonitorMode::Listen).to_string()
                            disabled=move || busy.get() on:click={ let switch = switch.clone(); move |_| switch(MonitorMode::Listen) }>{w.listen.clone()}</button>
                        <button type="button" class="button" data-testid="monitor-coach" aria-pressed=move || (mode.get() == MonitorMode::Coach).to_string()
                            disabled=move || busy.get() on:click=move |_| switch(MonitorMode::Coach)>{w.coach.clone()}</button>
                        <span class=css::muted>{move || if mode.get() == MonitorMode::Coach { notes.0.clone() } else { notes.1.clone() }}</span>
                    </div>
                    {lazy_view(move || call_pane(id))}
                }.into_any()
            } else {
                view! { <Transcript id /> }.into_any()
            }}
            <form class=css::whisper on:submit=send_whisper>
                <label for="whisper">{fill(&w.whisper, &[("agent", &watched.agent_name)])}</label>
                <input id="whisper" class=css::whisper_input data-testid="whisper-input" autocomplete="off"
                    prop:value=move || whisper.get() on:input=move |ev| whisper.set(event_target_value(&ev)) />
                <button type="submit" class="button" data-testid="whisper-send" disabled=move || busy.get() || whisper.with(|t| t.trim().is_empty())>
                    {w.send.clone()}</button>
            </form>
            <div class=css::actions>
                {(channel != Channel::Email).then(|| view! {
                    <button type="button" class="button" data-testid="monitor-barge" disabled=move || busy.get() on:click=barge>
                        {w.barge_in.clone()}</button>
                })}
                <Reassign id queue=c.queue_id agent=watched.agent_id shared=shared.clone() act=act.clone() />
            </div>
            <p class=css::note role="status" data-testid="monitor-said">{move || said.get()}</p>
        </section>
    }
}

/// Runs one action of the panel at a time and says how it went.
#[derive(Clone)]
struct Act {
    i18n: I18nContext<Locale>,
    busy: RwSignal<bool>,
    said: RwSignal<Option<String>>,
    failed: String,
}

impl Act {
    /// `action` answers what to say when it worked (`None`: the panel shows it).
    fn run(&self, action: impl std::future::Future<Output = Result<Option<String>, ApiError>> + 'static) {
        let (i18n, busy, said, failed) = (self.i18n, self.busy, self.said, self.failed.clone());
        busy.set(true);
        spawn_local(async move {
            match action.await {
                Ok(text) => said.set(text),
                Err(e) => said.set(Some(api_text(i18n, &e, failed))),
            }
            busy.set(false);
        });
    }
}

/// The conversation's messages, read again as new ones arrive.
#[component]
fn Transcript(id: i64) -> impl IntoView {
    let live = use_live();
    let page = LocalResource::new(move || {
        live.last_messages.with(|m| m.get(&id).cloned());
        crate::api::conversations::timeline(id, None, None)
    });
    let entries = move || {
        page.get().and_then(Result::ok).map(|p| {
            p.entries
                .into_iter()
                .filter(|e| e.conversation_id == id && e.kind == EntryKind::Message)
                .map(|e| {
                    view! { <li data-direction=e.direction.as_str()><strong>{e.author}</strong>" "{e.body}</li> }
                })
                .collect_view()
        })
    };
    view! { <ol class=css::transcript data-testid="monitor-transcript" aria-live="polite">{entries}</ol> }
}

/// A reassign target as the select's value (`q:<id>` or `a:<id>`) and its name.
type Choice = (String, String);

/// Reassign to a queue of the supervisor's or to an Available agent of the conversation's queue.
#[component]
fn Reassign(id: i64, queue: i64, agent: i64, shared: Board, act: Act) -> impl IntoView {
    let busy = act.busy;
    let w = shared.words.clone();
    let target = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    // The queues and the agents it may go to, as (value, name); the agents as the stream announces
    // their states.
    let (queues, agents) = (shared.queues, shared.agents);
    let targets = Memo::new(move |_| -> [Vec<Choice>; 2] {
        let queues =
            queues.with(|q| q.iter().map(|q| (format!("q:{}", q.queue_id), q.name.clone())).collect());
        let agents = agents.with(|a| {
            a.iter()
                .filter(|a| {
                    a.user_id != agent && a.state == AgentState::Available && a.queue_ids.contains(&queue)
                })
                .map(|a| (format!("a:{}", a.user_id), a.name.clone()))
                .collect()
        });
        [queues, agents]
    });
    // The chosen target while it is still one: a redrawn list keeps it selected.
    let chosen_target = move || {
        let chosen = target.get();
        targets.with(|[q, a]| q.iter().chain(a).any(|(value, _)| *value == chosen)).then_some(chosen)
    };
    let options = move || {
        let option = move |(value, name): Choice| {
            let selected = value.clone();
            view! { <option value=value selected=move || target.with(|t| *t == selected)>{name}</option> }
        };
        let [queues, agents] = targets.get();
        view! {
            <option value="">{w.reassign_to.clone()}</option>
            <optgroup label=w.queues.clone()>{queues.into_iter().map(option).collect_view()}</optgroup>
            <optgroup label=w.agents.clone()>{agents.into_iter().map(option).collect_view()}</optgroup>
        }
    };
    let reassign = {
        let reassigned = shared.words.reassigned.clone();
        let (open, shared_said) = (shared.monitoring, shared.said);
        move |_| {
            let Some(chosen) = untrack(chosen_target) else { return };
            let Some((kind, to)) = chosen.split_once(':') else { return };
            let Ok(to) = to.parse::<i64>() else { return };
            let request = TransferRequest {
                queue_id: (kind == "q").then_some(to),
                agent_id: (kind == "a").then_some(to),
                number: None,
                note: note.get_untracked(),
            };
            let (reassigned, said) = (reassigned.clone(), shared_said);
            act.run(async move {
                api::reassign(id, &request).await?;
                // It left the agent: there is nothing more to monitor; the page says where it went.
                open.set(None);
                said.set(Some(reassigned));
                Ok(None)
            })
        }
    };
    view! {
        <select class=css::reason data-testid="reassign-target" aria-label=shared.words.reassign_to.clone()
            on:change=move |ev| target.set(event_target_value(&ev))>{options}</select>
        <input class=css::whisper_input data-testid="reassign-note" placeholder=shared.words.note.clone() aria-label=shared.words.note.clone()
            prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev)) />
        <button type="button" class="button" data-testid="reassign" disabled=move || busy.get() || chosen_target().is_none()
            on:click=reassign>{shared.words.reassign.clone()}</button>
    }
}
