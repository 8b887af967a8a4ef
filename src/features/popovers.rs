//! Offers on screen (WBX popovers): each arrives as a connecting popover, then shows the request with
//! the queue's variables, a countdown to its no-answer deadline, Accept and Decline. Several stack,
//! emails on top, then chats, then calls, the earliest first; with more than five, "1–5 of N".

use std::collections::HashSet;
use std::time::Duration;

use hovor_types::conversation::Channel;
use hovor_types::routing::{Offer, PopoverField, STACK_VISIBLE};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::api::{ApiError, routing as api};
use crate::components::form::api_text;
use crate::components::icon::{Glyph, Icon};
use crate::components::lazy::{lazy_view, split_view};
use crate::features::call::ring_headset;
use crate::features::conversation::open_with_composer_focused;
use crate::format;
use crate::i18n::{t, t_string, use_i18n};
use crate::state::alerts::use_alerts;
use crate::state::clock::{Clock, use_clock};
use crate::state::configured::ConfiguredText;
use crate::state::live::use_live;
use crate::state::routing::use_routing;
use crate::state::shortcuts::{Action, on_shortcut};
use crate::widgets::chips::ChannelBadge;

stylance::import_crate_style!(css, "src/features/popovers.module.css");

/// How long a new offer shows as "connecting" before its details.
const CONNECTING: Duration = Duration::from_millis(600);

/// Why the last Accept was refused (the limit of outbound calls, say), shown above the stack until the
/// next Accept.
#[derive(Clone, Copy)]
struct AcceptRefused(RwSignal<Option<String>>);

#[component]
pub fn Popovers() -> impl IntoView {
    let routing = use_routing();
    provide_context(AcceptRefused(RwSignal::new(None)));
    announce_new_offers();
    let count = move || routing.offers.with(Vec::len);
    // A request must be seen at once, whatever else is still loading.
    Effect::new(move |_| {
        if count() > 0 {
            crate::components::first_paint::reveal();
        }
    });
    // Alt+Enter: the first request of the stack, as its own Accept.
    on_shortcut(Action::Accept, move || {
        if let Some(first) = routing.offers.with_untracked(|o| o.first().map(|o| o.conversation_id)) {
            accept(vec![first]);
        }
    });
    // The stack's view is the `offers` chunk, fetched as the desk starts: it has arrived long before the
    // first offer has finished "connecting".
    view! {
        <Show when=move || { count() > 0 }>
            {lazy_view(offer_stack)}
        </Show>
    }
}

split_view!(offers, fn offer_stack() => view! { <OfferStack /> });

#[component]
fn OfferStack() -> impl IntoView {
    let i18n = use_i18n();
    let routing = use_routing();
    let now = use_clock();
    let count = move || routing.offers.with(Vec::len);
    let accept_all = move |_| {
        let ids = routing.offers.with_untracked(|o| o.iter().map(|o| o.conversation_id).collect());
        accept(ids);
    };
    let refused = expect_context::<AcceptRefused>().0;
    view! {
        <section class=css::stack aria-label=move || t_string!(i18n, offers.region).to_string() data-testid="offers">
            {move || refused.get().map(|why| view! { <p class=css::refused role="alert" data-testid="accept-refused">{why}</p> })}
            <div class=css::head>
                <Show when=move || { count() > STACK_VISIBLE }>
                    <p class=css::range data-testid="offer-range">
                        {move || t!(i18n, offers.range, shown = STACK_VISIBLE, total = count())}
                    </p>
                </Show>
                <Show when=move || { count() > 1 }>
                    <button class="button primary" data-testid="accept-all" on:click=accept_all>
                        {move || crate::format::t_count!(i18n, offers.accept_all, count())}
                    </button>
                </Show>
            </div>
            <ol class=css::list>
                <For
                    each=move || routing.offers.get().into_iter().take(STACK_VISIBLE)
                    key=|offer| offer.conversation_id
                    let(offer)
                >
                    <OfferPopover offer now />
                </For>
            </ol>
        </section>
    }
}

/// Sound and desktop notification, once per offer.
fn announce_new_offers() {
    let i18n = use_i18n();
    let routing = use_routing();
    let alerts = use_alerts();
    let announced = StoredValue::new(HashSet::<i64>::new());
    Effect::new(move |_| {
        routing.offers.with(|offers| {
            // An offer that left the stack rings again if it comes back (after a decline elsewhere).
            announced.update_value(|a| a.retain(|id| offers.iter().any(|o| o.conversation_id == *id)));
            for offer in offers {
                if announced.try_update_value(|a| a.insert(offer.conversation_id)).unwrap_or(false) {
                    alerts.announce(offer, t_string!(i18n, offers.notification));
                }
            }
        });
    });
}

fn accept(ids: Vec<i64>) {
    let i18n = use_i18n();
    let routing = use_routing();
    let live = use_live();
    let navigate = use_navigate();
    let refused = expect_context::<AcceptRefused>().0;
    refused.set(None);
    spawn_local(async move {
        let answer = api::accept(ids).await;
        if let Err(e) = &answer {
            refused.set(Some(api_text(i18n, e, t_string!(i18n, offers.accept_failed).to_string())));
        }
        if let Ok(result) = answer {
            routing.offers.update(|o| {
                o.retain(|o| {
                    !result.accepted.contains(&o.conversation_id) && !result.gone.contains(&o.conversation_id)
                })
            });
            live.work_changed();
            if let Some(first) = result.accepted.first() {
                open_with_composer_focused(*first, navigate);
            }
        }
    });
}

#[component]
fn OfferPopover(offer: Offer, now: Clock) -> impl IntoView {
    let i18n = use_i18n();
    let routing = use_routing();
    let id = offer.conversation_id;
    let connecting = RwSignal::new(true);
    set_timeout(move || connecting.set(false), CONNECTING);
    // A call connects the headset while it rings, when the headset is free (one call at a time). A
    // callback has no call yet: Accept places it.
    let audio = use_live().audio;
    let call = offer.channel == Channel::Voice && offer.callback.is_none();
    if call && audio.status.get_untracked().is_none() {
        spawn_local(async move {
            let _ = ring_headset(id, audio).await;
        });
    }
    // Counted on this computer's clock from the time the server gave to answer, not its clock.
    let expires_at = js_sys::Date::now() + (offer.expires_at - offer.offered_at) as f64;
    let seconds_left = move || ((expires_at - now.get() as f64) / 1000.0).ceil().max(0.0) as i64;
    let decline = move |_| {
        spawn_local(async move {
            // Gone already (expired or withdrawn) is as good as declined.
            if matches!(api::decline(id).await, Ok(()) | Err(ApiError::NotFound)) {
                routing.offers.update(|o| o.retain(|o| o.conversation_id != id));
            }
        });
    };
    let heading_id = format!("offer-{id}");
    let channel = offer.channel;
    let callback = offer.callback.is_some();
    view! {
        <li class=css::popover data-testid="offer" data-conversation=id data-channel=channel.as_str() data-callback=callback.to_string()
            data-state=move || if connecting.get() { "connecting" } else { "ringing" }>
            <article aria-labelledby=heading_id.clone()>
                <header class=css::title>
                    {if callback { view! { <Icon glyph=Glyph::Callback /> }.into_any() } else { view! { <ChannelBadge channel /> }.into_any() }}
                    <h2 id=heading_id.clone()>
                        {move || match (connecting.get(), callback) {
                            (true, _) => t!(i18n, offers.connecting).into_any(),
                            // A callback Hovor places: labelled so (WBX), not as a call coming in.
                            (false, true) => t!(i18n, offers.callback).into_any(),
                            (false, false) => channel_title(channel),
                        }}
                    </h2>
                </header>
                {move || (!connecting.get()).then(|| details(offer.clone(), seconds_left, decline))}
            </article>
        </li>
    }
}

fn channel_title(channel: Channel) -> AnyView {
    let i18n = use_i18n();
    match channel {
        Channel::Chat => t!(i18n, offers.chat).into_any(),
        Channel::Email => t!(i18n, offers.email).into_any(),
        Channel::Voice => t!(i18n, offers.call).into_any(),
    }
}

/// The request once connected: queue, variables, the colleague's note, countdown, Accept and Decline.
fn details(
    offer: Offer,
    seconds_left: impl Fn() -> i64 + Send + Sync + 'static,
    decline: impl Fn(leptos::ev::MouseEvent) + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let audio = use_live().audio;
    let id = offer.conversation_id;
    let is_callback = offer.callback.is_some();
    let variables = offer
        .variables
        .into_iter()
        // A callback's number is shown as the number called, once.
        .filter(|v| !(is_callback && v.field == PopoverField::Phone))
        .map(|v| {
            let value = match v.field {
                PopoverField::WaitTime => {
                    let seconds = v.value.parse().unwrap_or_default();
                    (move || format::duration(i18n.get_locale(), seconds)).into_any()
                }
                _ => v.value.into_any(),
            };
            view! { <dt>{field_label(v.field)}</dt><dd>{value}</dd> }
        })
        .collect_view();
    let callback = offer.callback.map(|c| {
        view! {
            <dt>{t!(i18n, offers.phone)}</dt><dd data-testid="callback-number">{c.number}</dd>
            {c.dialled.map(|d| view! { <dt>{t!(i18n, offers.dialled)}</dt><dd data-testid="callback-dialled">{d}</dd> })}
        }
    });
    view! {
        <p class=css::queue><ConfiguredText text=offer.queue_name /></p>
        <dl class=css::variables>{callback}{variables}</dl>
        {offer.transfer_note.map(|note| view! {
            <p class=css::note data-testid="transfer-note"><strong>{t!(i18n, offers.note)}</strong>" "{note}</p>
        })}
        <p class=css::countdown role="timer">{move || t!(i18n, offers.answer_within, seconds = seconds_left())}</p>
        <div class=css::actions>
            // For a call, whether the headset connected while it rang (the benchmark waits for it).
            <button
                class="button primary"
                data-testid="accept"
                data-headset=move || audio.status_of(id).map(|s| s.as_str())
                on:click=move |_| accept(vec![id])
            >
                {t!(i18n, offers.accept)}
            </button>
            <button class="button" data-testid="decline" on:click=decline>{t!(i18n, offers.decline)}</button>
        </div>
    }
}

fn field_label(field: PopoverField) -> AnyView {
    let i18n = use_i18n();
    match field {
        PopoverField::CustomerName => t!(i18n, offers.customer).into_any(),
        PopoverField::Queue => t!(i18n, offers.queue).into_any(),
        PopoverField::WaitTime => t!(i18n, offers.waiting).into_any(),
        PopoverField::Phone => t!(i18n, offers.phone).into_any(),
        PopoverField::Email => t!(i18n, offers.email_address).into_any(),
        PopoverField::Subject => t!(i18n, offers.subject).into_any(),
        PopoverField::Language => t!(i18n, offers.language).into_any(),
        PopoverField::FirstAnswer => t!(i18n, offers.first_answer).into_any(),
    }
}
