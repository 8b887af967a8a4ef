//! The desk in a CRM's frame signs in through a popup on Hovor's own origin, since a frame gets no
//! cookie: the frame keeps a random verifier in memory, the popup (`/embed/signin`) hands back a
//! single-use code for its SHA-256, and code and verifier become the session's bearer token.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::api::session as api;
use crate::i18n::{t, use_i18n};
use crate::state::session::use_session;

use super::css;

#[derive(Clone, Copy, PartialEq)]
enum Problem {
    Blocked,
    Closed,
    Failed,
}

#[component]
pub fn EmbeddedSignIn() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if matches!(session.0.get(), crate::state::session::SessionState::SignedIn(_)) {
            navigate("/desk", Default::default());
        }
    });
    let start = move |_| {
        busy.set(true);
        problem.set(None);
        // Opened in the click itself, so no browser takes it for an unasked pop-up; it goes to the
        // sign-in page once the challenge is made.
        let popup = web_sys::window().and_then(|w| {
            w.open_with_url_and_target_and_features("about:blank", "hovor-signin", "width=480,height=640")
                .ok()
                .flatten()
        });
        spawn_local(async move {
            match sign_in(popup).await {
                Ok(token) => {
                    crate::state::embed::set_token(Some(token));
                    session.check();
                }
                Err(p) => problem.set(Some(p)),
            }
            busy.set(false);
        });
    };
    let message = move || {
        problem.get().map(|p| match p {
            Problem::Blocked => t!(i18n, sign_in.popup_blocked).into_any(),
            Problem::Closed => t!(i18n, sign_in.popup_closed).into_any(),
            Problem::Failed => t!(i18n, sign_in.failed).into_any(),
        })
    };
    view! {
        <main class=css::page>
            <div class=css::card>
                <h1 class=css::title>{t!(i18n, sign_in.title)}</h1>
                <p>{t!(i18n, sign_in.embed_note)}</p>
                <p id="sign-in-error" class=css::error role="alert">{message}</p>
                <button class="button primary" type="button" on:click=start disabled=busy data-testid="embed-sign-in">
                    {move || if busy.get() { t!(i18n, sign_in.busy).into_any() } else { t!(i18n, sign_in.submit).into_any() }}
                </button>
            </div>
        </main>
    }
}

/// Sends the popup to the sign-in page and waits for its code; the bearer token.
async fn sign_in(popup: Option<web_sys::Window>) -> Result<String, Problem> {
    let popup = popup.ok_or(Problem::Blocked)?;
    let window = web_sys::window().ok_or(Problem::Failed)?;
    let verifier = random(&window, 32)?;
    let state = random(&window, 16)?;
    let challenge = sha256(&window, &verifier).await?;
    let url = format!("/embed/signin?challenge={challenge}&state={state}");
    popup.location().set_href(&url).map_err(|_| Problem::Failed)?;
    let code = code_from(&window, &popup, &state).await?;
    api::embed_token(code, verifier).await.map(|t| t.token).map_err(|_| Problem::Failed)
}

/// `bytes` random bytes in base64url.
fn random(window: &web_sys::Window, bytes: usize) -> Result<String, Problem> {
    let mut buffer = vec![0u8; bytes];
    let crypto = window.crypto().map_err(|_| Problem::Failed)?;
    crypto.get_random_values_with_u8_array(&mut buffer).map_err(|_| Problem::Failed)?;
    Ok(URL_SAFE_NO_PAD.encode(buffer))
}

/// SHA-256 of `text` in base64url, by the browser's own crypto.
async fn sha256(window: &web_sys::Window, text: &str) -> Result<String, Problem> {
    let subtle = window.crypto().map_err(|_| Problem::Failed)?.subtle();
    let digest =
        subtle.digest_with_str_and_u8_array("SHA-256", text.as_bytes()).map_err(|_| Problem::Failed)?;
    let digest = wasm_bindgen_futures::JsFuture::from(digest).await.map_err(|_| Problem::Failed)?;
    Ok(URL_SAFE_NO_PAD.encode(js_sys::Uint8Array::new(&digest).to_vec()))
}

/// The code the popup posts, taken only from that popup on Hovor's own origin with this state.
async fn code_from(
    window: &web_sys::Window,
    popup: &web_sys::Window,
    state: &str,
) -> Result<String, Problem> {
    let origin = window.location().origin().map_err(|_| Problem::Failed)?;
    let received: Rc<RefCell<Option<String>>> = Rc::default();
    let listener = {
        let (received, popup, state) = (received.clone(), popup.clone(), state.to_owned());
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let from_popup = event.source().is_some_and(|s| js_sys::Object::is(&s, &popup));
            if event.origin() != origin || !from_popup {
                return;
            }
            let field = |name: &str| {
                js_sys::Reflect::get(&event.data(), &JsValue::from_str(name)).ok().and_then(|v| v.as_string())
            };
            if field("hovor").as_deref() == Some("signin")
                && field("state").as_deref() == Some(state.as_str())
            {
                *received.borrow_mut() = field("code");
            }
        })
    };
    window
        .add_event_listener_with_callback("message", listener.as_ref().unchecked_ref())
        .map_err(|_| Problem::Failed)?;
    let code = loop {
        if let Some(code) = received.borrow_mut().take() {
            break Ok(code);
        }
        if popup.closed().unwrap_or(true) {
            // Its message may still be on its way: one more turn before giving up.
            gloo_timers::future::sleep(Duration::from_millis(100)).await;
            break received.borrow_mut().take().ok_or(Problem::Closed);
        }
        gloo_timers::future::sleep(Duration::from_millis(100)).await;
    };
    let _ = window.remove_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
    code
}
