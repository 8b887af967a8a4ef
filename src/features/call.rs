//! The interaction control pane of a call (WBX): its state and timer, Mute and Hold / Resume, each
//! enabled exactly when the call allows it (`CallView::may`, the rules the server applies), and the
//! headset's connection to the call. The `call` chunk: fetched when the desk starts, shown in place of
//! the composer for a voice conversation.

use hovor_types::voice::{CallCommand, CallView, LegState, Mode, PhoneState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::api::voice as voice_api;
use crate::components::form::api_text;
use crate::components::lazy::split_view;
use crate::format;
use crate::i18n::{t, t_string, use_i18n};
use crate::state::call_audio::{AudioStatus, CallAudio, Connected};
use crate::state::clock::use_clock;
use crate::state::live::use_live;

stylance::import_crate_style!(css, "src/features/call.module.css");

mod data;
use data::CallData;

split_view!(call, pub fn call_pane(id: i64) => view! { <CallPane id /> });

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
    let give = move |command: CallCommand| {
        busy.set(true);
        error.set(None);
        let failed = t_string!(i18n, call.refused).to_string();
        spawn_local(async move {
            match voice_api::command(id, command).await {
                Ok(view) => call.set(Some(view)),
                Err(e) => error.set(Some(api_text(i18n, &e, failed))),
            }
            busy.set(false);
        });
    };
    let state = move || {
        let Some(view) = view_of() else { return t!(i18n, call.waiting).into_any() };
        match view.call.phone_state() {
            _ if view.own().is_none_or(|l| l.state == LegState::Left) => t!(i18n, call.ended).into_any(),
            PhoneState::Waiting => t!(i18n, call.waiting).into_any(),
            PhoneState::Connected => t!(i18n, call.connected).into_any(),
            PhoneState::OnHold => t!(i18n, call.on_hold).into_any(),
            PhoneState::Ended => t!(i18n, call.ended).into_any(),
        }
    };
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
                <span class=css::state data-testid="call-state" data-state=move || view_of().map(|v| v.call.phone_state().as_str()) role="status">{state}</span>
                <time class=css::timer data-testid="call-timer" title=move || t_string!(i18n, call.timer).to_string()>{timer}</time>
                {move || muted().then(|| view! { <span class=css::muted data-testid="call-muted">{t!(i18n, call.muted)}</span> })}
            </div>
            <div class=css::controls>
                <button class="button" data-testid="call-mute" aria-pressed=move || muted().to_string()
                    disabled=move || busy.get() || !may(mute_command()) on:click=move |_| give(mute_command())>
                    {move || if muted() { t!(i18n, call.unmute).into_any() } else { t!(i18n, call.mute).into_any() }}
                </button>
                <button class="button" data-testid="call-hold" aria-pressed=move || held().to_string()
                    disabled=move || busy.get() || !may(hold_command()) on:click=move |_| give(hold_command())>
                    {move || if held() { t!(i18n, call.resume).into_any() } else { t!(i18n, call.hold).into_any() }}
                </button>
            </div>
            {audio}
            {move || error.get().map(|e| view! { <p class=css::problem role="alert" data-testid="call-error">{e}</p> })}
            <CallData id />
        </section>
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
