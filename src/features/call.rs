//! The interaction control pane of a call (WBX): its state and timer, Mute and Hold / Resume, each
//! enabled exactly when the call allows it (`CallView::may`, the rules the server applies), and the
//! headset's connection to the call. The `call` chunk: fetched when the desk starts, shown in place of
//! the composer for a voice conversation.

use hovor_types::voice::{
    CallCommand, CallView, ConsultTo, LegId, LegState, Mode, PhoneState, Recording, Role,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::api::voice as voice_api;
use crate::components::form::api_text;
use crate::components::icon::{Glyph, Icon};
use crate::components::lazy::split_view;
use crate::format;
use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::state::call_audio::{AudioStatus, CallAudio, Connected};
use crate::state::clock::use_clock;
use crate::state::conversation::OpenConversation;
use crate::state::live::use_live;
use leptos_i18n::I18nContext;

stylance::import_crate_style!(css, "src/features/call.module.css");

mod data;
mod picker;
mod recordings;
mod watch;
use data::CallData;
use picker::ConsultPicker;

split_view!(call, pub fn call_pane(id: i64) => view! { <CallPane id /> });
split_view!(call, pub fn call_watch() => view! { <watch::CallWatch /> });
// An offered call's headset connects while it rings (see `preconnect`).
split_view!(call, pub fn ring_headset(id: i64, audio: CallAudio) => spawn_local(preconnect(id, audio)));
split_view!(call, pub fn recording_player(id: i64, at: hovor_types::Millis) => view! { <recordings::Player id at /> });
// A call that ended on screen: its recordings join the timeline in place.
split_view!(call, pub fn timeline_recordings(open: OpenConversation) => spawn_local(recordings::add_to_timeline(open)));

#[component]
fn CallPane(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    let now = use_clock();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let call = RwSignal::new(None::<CallView>);
    let view_of = move || call.get();
    // Read when the pane opens (also after a reload) and again whenever the stream says it changed.
    Effect::new(move |_| {
        live.call_changes.with(|changes| changes.get(&id).copied());
        spawn_local(async move {
            match voice_api::call(id).await {
                Ok(view) => call.set(Some(view)),
                // Over (or switched by a server that restarted): the headset lets go of it.
                Err(_) => live.audio.hang_up(id),
            }
        });
    });
    // On the call with no headset yet (just accepted, or the page reloaded): connect it.
    Effect::new(move |_| {
        let on_call = call.with(|c| c.as_ref().and_then(CallView::own).is_some_and(|l| l.is_present()));
        if on_call && !live.audio.busy_with(id) && live.audio.status_of(id) != Some(AudioStatus::Failed) {
            spawn_local(connect(id, live.audio));
        }
    });
    // A consult that stops ringing unanswered (declined, or not taken in time) says so.
    let unanswered = RwSignal::new(None::<String>);
    let ringing_callee = StoredValue::new(None::<(LegId, String)>);
    Effect::new(move |_| {
        call.with(|view| {
            let Some(view) = view else { return };
            if let Some((leg, name)) = ringing_callee.get_value()
                && view.call.leg(leg).is_some_and(|l| l.state == LegState::Left)
            {
                unanswered.set(Some(name));
            }
            let primary = view.own().is_some_and(|l| l.role == Role::Primary);
            let ringing = view
                .consult_partner()
                .filter(|l| primary && l.state == LegState::Ringing)
                .map(|l| (l.id, view.name_of(l).unwrap_or_default().to_owned()));
            if ringing.is_some() {
                unanswered.set(None);
            }
            ringing_callee.set_value(ringing);
        })
    });
    let give = move |command: CallCommand| {
        busy.set(true);
        error.set(None);
        if command == CallCommand::EndConsult {
            // Called off by the agent: not a consult that went unanswered.
            ringing_callee.set_value(None);
        }
        let failed = t_string!(i18n, call.refused).to_string();
        spawn_local(async move {
            match voice_api::command(id, command).await {
                Ok(view) => call.set(Some(view)),
                Err(e) => error.set(Some(api_text(i18n, &e, failed))),
            }
            busy.set(false);
        });
    };
    // The primary agent's status is the customer's line; the consult has a line of its own below.
    // The consulted agent's status is the consult.
    let state = move || {
        let Some(view) = view_of() else { return t!(i18n, call.waiting).into_any() };
        let Some(own) = view.own().filter(|l| l.state != LegState::Left) else {
            return t!(i18n, call.ended).into_any();
        };
        if own.role == Role::Consulted {
            return consult_text(i18n, &view).into_any();
        }
        if view.call.mode == Mode::Conference {
            return conference_text(i18n, &view).into_any();
        }
        if customer_rings(&view) {
            return t!(i18n, call.calling).into_any();
        }
        match view.call.phone_state() {
            PhoneState::Waiting => t!(i18n, call.waiting).into_any(),
            PhoneState::Connected => t!(i18n, call.connected).into_any(),
            PhoneState::OnHold => t!(i18n, call.on_hold).into_any(),
            PhoneState::Ended => t!(i18n, call.ended).into_any(),
        }
    };
    // What the status says, for tests and styles.
    let state_name = move || {
        view_of().map(|v| match v.call.mode {
            Mode::Conference => "conference",
            Mode::Consult if v.own().is_some_and(|l| l.role == Role::Consulted) => "consult",
            _ if customer_rings(&v) => "ringing",
            _ => v.call.phone_state().as_str(),
        })
    };
    // The primary agent's second line during a consult: the other agent, ringing, talking or held.
    let consult_line = move || {
        view_of()
            .filter(|v| v.own().is_some_and(|l| l.role == Role::Primary) && v.consult_partner().is_some())
    };
    let partner_state = move || consult_line().and_then(|v| v.consult_partner().map(|l| l.state.as_str()));
    let partner_held = move || partner_state() == Some(LegState::Held.as_str());
    let consult_hold =
        move || if partner_held() { CallCommand::ResumeConsult } else { CallCommand::HoldConsult };
    let timer = move || {
        view_of()
            .filter(|v| v.call.mode != Mode::Ended)
            .and_then(|v| v.connected_at)
            .map(|at| format::stopwatch(((now.get() - at) / 1000).max(0)))
    };
    let muted = move || view_of().and_then(|v| v.own().map(|l| l.muted)).unwrap_or(false);
    let held = move || view_of().is_some_and(|v| v.call.phone_state() == PhoneState::OnHold);
    let may = move |command: CallCommand| view_of().is_some_and(|v| v.may(command));
    let mute_command = move || CallCommand::Mute { muted: !muted() };
    let hold_command = move || if held() { CallCommand::Resume } else { CallCommand::Hold };
    // Any agent not on the call: whether a consult may start at all.
    let may_consult = move || may(CallCommand::Consult { to: ConsultTo::Agent { user_id: 0 } });
    let role = move || view_of().and_then(|v| v.own().map(|l| l.role));
    let mode = move || view_of().map(|v| v.call.mode);
    // Exit: the consulted agent leaves the consult, anyone leaves a conference (control passes on).
    let may_exit =
        move || may(CallCommand::Exit) && (role() != Some(Role::Primary) || mode() == Some(Mode::Conference));
    let picking = RwSignal::new(false);
    // A callback whose queue allows it (WBX "End call for web callback"): Cancel while the customer's
    // phone rings instead of waiting; the wrap-up follows.
    let may_cancel_callback = move || {
        view_of().is_some_and(|v| customer_rings(&v) && v.own().is_some_and(|l| l.role == Role::Primary))
            && live.with_task(id, |t| t.and_then(|t| t.callback.as_ref()).is_some_and(|c| c.cancellable))
    };
    let cancel_callback = move |_| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            if let Err(e) = crate::api::callbacks::cancel_call(id).await {
                error.set(Some(api_text(i18n, &e, t_string!(i18n, call.refused).to_string())));
            }
            live.work_changed();
            busy.set(false);
        });
    };
    let recording = move || view_of().filter(|v| v.call.mode != Mode::Ended).map(|v| v.call.recording);
    let paused = move || matches!(recording(), Some(Recording::Paused { .. }));
    let audio = move || {
        match live.audio.status_of(id) {
        Some(AudioStatus::Connecting) => {
            view! { <p class=css::note role="status" data-testid="call-audio" data-audio="connecting">{t!(i18n, call.audio_connecting)}</p> }.into_any()
        }
        Some(AudioStatus::Failed) => view! {
            <p class=css::problem role="alert" data-testid="call-audio" data-audio="failed">
                {t!(i18n, call.audio_failed)}
                <button class="button" on:click=move |_| spawn_local(connect(id, live.audio))>{t!(i18n, call.audio_retry)}</button>
            </p>
        }
        .into_any(),
        Some(AudioStatus::Connected) => view! { <span data-testid="call-audio" data-audio="connected" hidden></span> }.into_any(),
        None => ().into_any(),
    }
    };
    view! {
        <section class=css::pane data-testid="call-pane" aria-label=move || t_string!(i18n, call.title).to_string()>
            <div class=css::status>
                <span class=css::state data-testid="call-state" data-state=state_name role="status">{state}</span>
                <time class=css::timer data-testid="call-timer" title=move || t_string!(i18n, call.timer).to_string()>{timer}</time>
                {move || muted().then(|| view! { <span class=css::muted data-testid="call-muted">{t!(i18n, call.muted)}</span> })}
                {move || match recording() {
                    Some(Recording::On) => Some(view! {
                        <span class=css::recording data-testid="call-recording" data-state="on"><Icon glyph=Glyph::Record />{t!(i18n, call.recording)}</span>
                    }.into_any()),
                    Some(Recording::Paused { until }) => Some(view! {
                        <span class=css::recording data-testid="call-recording" data-state="paused">
                            {move || t!(i18n, call.recording_paused, time = format::time(i18n.get_locale(), until))}
                        </span>
                    }.into_any()),
                    _ => None,
                }}
            </div>
            <div class=css::controls>
                <Show when=may_cancel_callback>
                    <button class="button" data-testid="callback-cancel" disabled=move || busy.get() on:click=cancel_callback>
                        {t!(i18n, call.cancel_callback)}
                    </button>
                </Show>
                <button class="button" data-testid="call-mute" aria-pressed=move || muted().to_string()
                    disabled=move || busy.get() || !may(mute_command()) on:click=move |_| give(mute_command())>
                    {move || if muted() { t!(i18n, call.unmute).into_any() } else { t!(i18n, call.mute).into_any() }}
                </button>
                <button class="button" data-testid="call-hold" aria-pressed=move || held().to_string()
                    disabled=move || busy.get() || !may(hold_command()) on:click=move |_| give(hold_command())>
                    {move || if held() { t!(i18n, call.resume).into_any() } else { t!(i18n, call.hold).into_any() }}
                </button>
                <Show when=move || may(CallCommand::PauseRecording) || may(CallCommand::ResumeRecording)>
                    <button class="button" data-testid="call-record-pause" disabled=move || busy.get()
                        on:click=move |_| give(if paused() { CallCommand::ResumeRecording } else { CallCommand::PauseRecording })>
                        {move || if paused() { t!(i18n, call.resume_recording).into_any() } else { t!(i18n, call.pause_recording).into_any() }}
                    </button>
                </Show>
                <Show when=may_consult>
                    <button class="button" data-testid="call-consult" aria-expanded=move || picking.get().to_string()
                        disabled=move || busy.get() on:click=move |_| picking.update(|p| *p = !*p)>
                        {t!(i18n, call.consult)}
                    </button>
                </Show>
                <Show when=may_exit>
                    <button class="button" data-testid="call-exit" disabled=move || busy.get()
                        on:click=move |_| give(CallCommand::Exit)>
                        {move || if mode() == Some(Mode::Conference) { t!(i18n, call.exit_conference).into_any() } else { t!(i18n, call.exit_consult).into_any() }}
                    </button>
                </Show>
            </div>
            {move || consult_line().map(|view| view! {
                <div class=css::line data-testid="consult-line" data-state=partner_state>
                    <span class=css::line_state data-testid="consult-state" role="status">{consult_text(i18n, &view)}</span>
                    <div class=css::controls>
                        <button class="button" data-testid="consult-hold" aria-pressed=move || partner_held().to_string()
                            disabled=move || busy.get() || !may(consult_hold()) on:click=move |_| give(consult_hold())>
                            {move || if partner_held() { t!(i18n, call.resume).into_any() } else { t!(i18n, call.hold).into_any() }}
                        </button>
                        <button class="button" data-testid="call-transfer" disabled=move || busy.get() || !may(CallCommand::Transfer)
                            on:click=move |_| give(CallCommand::Transfer)>{t!(i18n, call.transfer)}</button>
                        <button class="button" data-testid="call-conference" disabled=move || busy.get() || !may(CallCommand::Conference)
                            on:click=move |_| give(CallCommand::Conference)>{t!(i18n, call.conference)}</button>
                        <button class="button" data-testid="call-end-consult" disabled=move || busy.get() || !may(CallCommand::EndConsult)
                            on:click=move |_| give(CallCommand::EndConsult)>{t!(i18n, call.end_consult)}</button>
                    </div>
                </div>
            })}
            <Show when=move || picking.get() && may_consult()>
                <ConsultPicker id on_pick=move |to| { picking.set(false); give(CallCommand::Consult { to }); }
                    on_cancel=move || picking.set(false) />
            </Show>
            {move || unanswered.get().map(|name| view! {
                <p class=css::note role="status" data-testid="consult-unanswered">{t!(i18n, call.consult_unanswered, name = name)}</p>
            })}
            {audio}
            {move || error.get().map(|e| view! { <p class=css::problem role="alert" data-testid="call-error">{e}</p> })}
            <CallData id />
        </section>
    }
}

/// Who else talks in the conference: the other agents by name in the order they joined, then the
/// customer while on the line.
fn conference_text(i18n: I18nContext<Locale>, view: &CallView) -> AnyView {
    let others =
        view.call.legs.iter().filter(|l| l.is_present() && l.role.is_participant() && Some(l.id) != view.leg);
    let (customer, agents): (Vec<_>, Vec<_>) = others.partition(|l| l.role == Role::Customer);
    let mut names: Vec<String> =
        agents.into_iter().filter_map(|l| view.name_of(l).map(str::to_owned)).collect();
    if !customer.is_empty() {
        names.push(t_string!(i18n, call.the_customer).to_string());
    }
    if names.is_empty() {
        return t!(i18n, call.conference_mode).into_any();
    }
    t!(i18n, call.conference_with, names = names.join(", ")).into_any()
}

/// An outbound call whose customer's phone still rings.
fn customer_rings(view: &CallView) -> bool {
    view.call.customer().is_some_and(|c| c.state == LegState::Ringing)
}

/// The consult as its two agents see it: the other one, ringing or talking.
fn consult_text(i18n: I18nContext<Locale>, view: &CallView) -> AnyView {
    let Some(partner) = view.consult_partner() else { return ().into_any() };
    let name = view.name_of(partner).unwrap_or_default().to_owned();
    match partner.state {
        LegState::Ringing => t!(i18n, call.consult_requested, name = name).into_any(),
        LegState::Held => {
            view! { {t!(i18n, call.consulting, name = name)}" · "{t!(i18n, call.on_hold)} }.into_any()
        }
        _ => t!(i18n, call.consulting, name = name).into_any(),
    }
}

/// Connects the headset to the call: the microphone out, the call in through a hidden audio element.
async fn connect(id: i64, audio: CallAudio) {
    audio.connecting(id);
    match open(id).await {
        Ok(connected) => audio.connected(connected),
        Err(e) => {
            leptos::logging::warn!("call audio: {e:?}");
            audio.failed(id);
        }
    }
}

/// Connects the headset while the call rings (an offer, a consult request), so that Accept is heard
/// at once instead of after the microphone and the connection's handshake. A failure is not shown:
/// the pane tries again, and says so if it fails, once the agent has answered.
async fn preconnect(id: i64, audio: CallAudio) {
    audio.connecting(id);
    match open(id).await {
        Ok(connected) if audio.status.get_untracked() == Some((id, AudioStatus::Connecting)) => {
            audio.connected(connected)
        }
        // The call stopped ringing for this desk meanwhile (taken by another, declined).
        Ok(connected) => (connected.close)(),
        Err(_) => audio.hang_up(id),
    }
}

async fn open(id: i64) -> Result<Connected, JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let constraints = web_sys::MediaStreamConstraints::new();
    constraints.set_audio(&JsValue::TRUE);
    let media = window.navigator().media_devices()?.get_user_media_with_constraints(&constraints)?;
    let microphone: web_sys::MediaStream = JsFuture::from(media).await?.dyn_into()?;
    let attached = attach(id, microphone.clone()).await;
    if attached.is_err() {
        // The microphone is not left on for a call the headset never joined.
        stop(&microphone);
    }
    attached
}

async fn attach(id: i64, microphone: web_sys::MediaStream) -> Result<Connected, JsValue> {
    let connection = web_sys::RtcPeerConnection::new()?;
    for track in microphone.get_audio_tracks().iter() {
        connection.add_track_0(&track.dyn_into()?, &microphone);
    }
    let speaker = web_sys::HtmlAudioElement::new()?;
    speaker.set_autoplay(true);
    let plays = speaker.clone();
    let on_track = Closure::<dyn FnMut(web_sys::RtcTrackEvent)>::new(move |event: web_sys::RtcTrackEvent| {
        let stream = event.streams().get(0).dyn_into::<web_sys::MediaStream>().ok();
        plays.set_src_object(stream.as_ref());
        let _ = plays.play();
    });
    connection.set_ontrack(Some(on_track.as_ref().unchecked_ref()));
    let offer = JsFuture::from(connection.create_offer()).await?;
    let offer: web_sys::RtcSessionDescriptionInit = offer.unchecked_into();
    JsFuture::from(connection.set_local_description(&offer)).await?;
    let sdp = connection.local_description().map(|d| d.sdp()).ok_or(JsValue::NULL)?;
    let answer = match voice_api::audio(id, sdp).await {
        Ok(answer) => answer,
        Err(e) => {
            connection.close();
            return Err(JsValue::from_str(&format!("{e:?}")));
        }
    };
    let remote = web_sys::RtcSessionDescriptionInit::new(web_sys::RtcSdpType::Answer);
    remote.set_sdp(&answer.sdp);
    JsFuture::from(connection.set_remote_description(&remote)).await?;
    let leaving = let_go_on_leaving(id)?;
    let close = move || {
        // The handlers live as long as the connection.
        drop(on_track);
        if let Some(window) = web_sys::window() {
            let _ = window.remove_event_listener_with_callback("pagehide", leaving.as_ref().unchecked_ref());
        }
        connection.close();
        stop(&microphone);
        speaker.set_src_object(None);
    };
    Ok(Connected { conversation_id: id, close: Box::new(close) })
}

/// As the page closes or reloads, tells the server the headset is gone (a request that outlives the
/// page): the customer hears hold music until the desk is back, instead of silence.
fn let_go_on_leaving(id: i64) -> Result<Closure<dyn FnMut()>, JsValue> {
    let url = voice_api::audio_path(id);
    let leaving = Closure::<dyn FnMut()>::new(move || {
        let init = web_sys::RequestInit::new();
        init.set_method("DELETE");
        // web-sys has no setter for it; the field is standard Fetch.
        let _ = js_sys::Reflect::set(&init, &JsValue::from_str("keepalive"), &JsValue::TRUE);
        init.set_credentials(web_sys::RequestCredentials::SameOrigin);
        if let Some(token) = crate::state::embed::token() {
            let headers = js_sys::Object::new();
            let _ =
                js_sys::Reflect::set(&headers, &"authorization".into(), &format!("Bearer {token}").into());
            init.set_headers(&headers);
        }
        if let Some(window) = web_sys::window() {
            let _ = window.fetch_with_str_and_init(&url, &init);
        }
    });
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    window.add_event_listener_with_callback("pagehide", leaving.as_ref().unchecked_ref())?;
    Ok(leaving)
}

fn stop(microphone: &web_sys::MediaStream) {
    for track in microphone.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
            track.stop();
        }
    }
}
