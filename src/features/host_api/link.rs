//! The link to the host window: greeting it until it answers, hearing only it, answering each of its
//! messages, and asking it things (resize, screen pop) with a reply awaited.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use hovor_types::embed::{
    self, CommandBudget, Envelope, ErrorCode, False, HELLO_EVERY_MS, HELLO_GIVE_UP_MS, MARKER, Message,
    REPLY_TIMEOUT_MS, RecordRef, Refused, Reply, ReplyError, True,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::state::embed as page;
use crate::state::live::Live;
use crate::state::session::{Session, SessionState, use_session};

use super::commands;

#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Handshake {
    /// Saying `hello` every 250 ms.
    Greeting,
    /// The host answered `welcome`.
    Connected,
    /// Ten seconds without an answer: the desk works on its own (a later `welcome` still connects).
    NoAnswer,
}

impl Handshake {
    pub fn as_str(self) -> &'static str {
        match self {
            Handshake::Greeting => "greeting",
            Handshake::Connected => "connected",
            Handshake::NoAnswer => "no-answer",
        }
    }
}

/// A number the host asked to call, waiting for the agent's tap, and the host's record to link it to.
#[derive(Clone, PartialEq, Debug)]
pub struct PendingDial {
    pub number: String,
    pub record: Option<RecordRef>,
}

#[derive(Clone, Copy)]
pub struct HostLink {
    pub handshake: RwSignal<Handshake>,
    pub no_answer_seen: RwSignal<bool>,
    /// Messages dropped for their sender: another window, or another origin.
    pub ignored: RwSignal<u32>,
    pub dial: RwSignal<Option<PendingDial>>,
    pub dial_error: RwSignal<Option<String>>,
    /// The host's `notify`: its text, and whether it is an error or a warning.
    pub notice: RwSignal<Option<(String, bool)>>,
    /// Whether the host shows the frame (`visibilityChanged`).
    pub visible: RwSignal<bool>,
    /// The record the host has open (`contextChanged`): a hint, never a right to read anything.
    pub context: RwSignal<Option<RecordRef>>,
    /// The nonce the last `signInRequired` carried, for the host's `signIn`.
    pub nonce: RwSignal<Option<String>>,
    /// Counts the rounds of `signInRequired`: a new round ends the one before.
    sign_in_round: RwSignal<u32>,
    /// `ready` went out for the agent signed in: the desk's events may follow.
    pub ready_told: RwSignal<bool>,
    /// The host's number is being called: Call is not pressed twice.
    pub placing: RwSignal<bool>,
    pub session: Session,
    navigate: StoredValue<Navigate, LocalStorage>,
}

type Navigate = Rc<dyn Fn(&str)>;

/// A nonce lives a minute: the desk offers a new one well before.
const NONCE_RENEWED_MS: u64 = 50_000;

thread_local! {
    static CURRENT: Cell<Option<HostLink>> = const { Cell::new(None) };
    /// The signed-in desk's live state, while it is mounted (see `desk_events`).
    static DESK: Cell<Option<Live>> = const { Cell::new(None) };
    /// Replies the host owes, by the id of the request.
    static WAITING: RefCell<HashMap<String, Option<Reply>>> = RefCell::new(HashMap::new());
    static BUDGET: Cell<CommandBudget> = Cell::new(CommandBudget::default());
    static NEXT_ID: Cell<u64> = const { Cell::new(1) };
    /// The server said the agent was signed out by someone else: the sign-out that follows is `revoked`.
    static SIGNED_OUT_ELSEWHERE: Cell<bool> = const { Cell::new(false) };
}

pub fn signed_out_elsewhere() {
    SIGNED_OUT_ELSEWHERE.with(|s| s.set(true));
}

/// The link, once the embedded page has started it.
pub fn current() -> Option<HostLink> {
    CURRENT.with(Cell::get)
}

pub fn desk() -> Option<Live> {
    DESK.with(Cell::get)
}

pub fn set_desk(live: Option<Live>) {
    DESK.with(|d| d.set(live));
}

impl HostLink {
    pub fn start() -> HostLink {
        let navigate = leptos_router::hooks::use_navigate();
        let link = HostLink {
            handshake: RwSignal::new(Handshake::Greeting),
            no_answer_seen: RwSignal::new(false),
            ignored: RwSignal::new(0),
            dial: RwSignal::new(None),
            dial_error: RwSignal::new(None),
            notice: RwSignal::new(None),
            visible: RwSignal::new(true),
            context: RwSignal::new(None),
            nonce: RwSignal::new(None),
            sign_in_round: RwSignal::new(0),
            ready_told: RwSignal::new(false),
            placing: RwSignal::new(false),
            session: use_session(),
            navigate: StoredValue::new_local(Rc::new(move |path: &str| navigate(path, Default::default()))),
        };
        CURRENT.with(|c| c.set(Some(link)));
        link.listen();
        say_bye_when_leaving();
        link.greet();
        link.announce();
        super::desk_events::watch_height(link);
        link
    }

    pub fn connected(self) -> bool {
        self.handshake.get_untracked() == Handshake::Connected
    }

    pub fn go(self, path: &str) {
        self.navigate.with_value(|navigate| navigate(path));
    }

    /// The agent tapped Call on the host's number.
    pub fn place_dial(self) {
        let Some(pending) = self.dial.get_untracked() else { return };
        if self.placing.get_untracked() {
            return;
        }
        self.placing.set(true);
        self.dial_error.set(None);
        spawn_local(async move {
            match commands::place_call(self, pending.number, pending.record).await {
                Ok(_) => self.dial.set(None),
                Err((_, message)) => self.dial_error.set(Some(message)),
            }
            self.placing.set(false);
        });
    }

    /// Says `hello` until the host answers, or gives up after ten seconds.
    fn greet(self) {
        spawn_local(async move {
            let mut waited = 0;
            while self.handshake.get_untracked() == Handshake::Greeting {
                if waited >= HELLO_GIVE_UP_MS {
                    self.handshake.set(Handshake::NoAnswer);
                    return;
                }
                post(
                    Message::Hello { versions: embed::VERSIONS.to_vec(), capabilities: capabilities() },
                    None,
                );
                gloo_timers::future::sleep(Duration::from_millis(u64::from(HELLO_EVERY_MS))).await;
                waited += HELLO_EVERY_MS;
            }
        });
    }

    /// Once connected, tells the host who is signed in, and every change after: `ready` or
    /// `signInRequired` (with a nonce for an assertion), `signedIn` and `signedOut` between.
    fn announce(self) {
        #[derive(Clone, PartialEq)]
        enum Told {
            Nothing,
            In(i64),
            Out,
        }
        Effect::new(move |told: Option<Told>| {
            let told = told.unwrap_or(Told::Nothing);
            if self.handshake.get() != Handshake::Connected {
                return Told::Nothing;
            }
            match self.session.0.get() {
                SessionState::SignedIn(me) if told != Told::In(me.id) => {
                    SIGNED_OUT_ELSEWHERE.with(|s| s.set(false));
                    let agent = embed::Agent { id: me.id, name: me.display_name.clone() };
                    self.ready_told.set(false);
                    if told == Told::Out {
                        post(Message::SignedIn { agent: agent.clone() }, None);
                    }
                    spawn_local(async move {
                        post(commands::ready(agent).await, None);
                        // The desk's events follow `ready`, never precede it.
                        let _ = self.ready_told.try_set(true);
                    });
                    Told::In(me.id)
                }
                SessionState::SignedOut if told != Told::Out => {
                    self.ready_told.set(false);
                    self.dial.set(None);
                    if matches!(told, Told::In(_)) {
                        // The desk's Sign out clears the token first; a session ended by someone else
                        // (the server said so) or by itself (it expired) leaves it.
                        let elsewhere = SIGNED_OUT_ELSEWHERE.with(|s| s.replace(false));
                        let reason = match (page::token().is_some(), elsewhere) {
                            (false, _) => "user",
                            (true, true) => "revoked",
                            (true, false) => "expired",
                        };
                        page::set_token(None);
                        post(Message::SignedOut { reason: reason.into() }, None);
                    }
                    self.ask_sign_in();
                    Told::Out
                }
                _ => told,
            }
        });
    }

    /// `signInRequired` with a fresh nonce, and again before it expires (a minute) while the agent is
    /// still signed out, so the host's server always has one to sign.
    pub fn ask_sign_in(self) {
        let round = self.sign_in_round.get_untracked() + 1;
        self.sign_in_round.set(round);
        spawn_local(async move {
            while self.sign_in_round.try_get_untracked() == Some(round)
                && matches!(self.session.0.get_untracked(), SessionState::SignedOut)
            {
                let nonce = crate::api::session::embed_nonce().await.ok().map(|n| n.nonce);
                self.nonce.set(nonce.clone());
                let methods = vec!["popup".to_owned(), "assertion".to_owned()];
                post(Message::SignInRequired { methods, nonce }, None);
                gloo_timers::future::sleep(Duration::from_millis(NONCE_RENEWED_MS)).await;
            }
        });
    }

    /// Hears messages from the framing window on the host's origin, and nothing else.
    fn listen(self) {
        let Some(window) = web_sys::window() else { return };
        let (Some(host), Some(parent)) = (page::host(), window.parent().ok().flatten()) else { return };
        let listener =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                let from_parent = event.source().is_some_and(|s| js_sys::Object::is(&s, &parent));
                if !from_parent || event.origin() != host {
                    // The sign-in window's messages are its own page's business (same origin, not the parent).
                    if !looks_like_signin(&event) {
                        self.ignored.update(|n| *n += 1);
                    }
                    return;
                }
                let text = js_sys::JSON::stringify(&event.data())
                    .ok()
                    .and_then(|t| t.as_string())
                    .unwrap_or_default();
                match embed::read(&text) {
                    Err(Refused::NotOurs) => {}
                    // A reply is never answered, even a faulty one: two sides would answer forever.
                    Err(Refused::Answer { .. }) if is_reply(&event) => {}
                    Err(Refused::Answer { re, code }) => post(error_reply(code, refusal_text(code)), re),
                    Ok(envelope) => self.receive(envelope),
                }
            });
        let _ = window.add_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
        // The link lives as long as the page.
        listener.forget();
    }

    fn receive(self, envelope: Envelope) {
        let Envelope { id, re, message, .. } = envelope;
        match message {
            Message::Welcome { .. } => self.handshake.set(Handshake::Connected),
            // The host page is leaving: nothing more is told until a host greets the desk again.
            Message::Bye {} => {
                self.handshake.set(Handshake::Greeting);
                post(Message::Reply(Reply::Ok { ok: True, result: None }), Some(id));
                self.greet();
            }
            Message::Reply(reply) => {
                if let Some(re) = re {
                    WAITING.with(|w| {
                        if let Some(slot) = w.borrow_mut().get_mut(&re) {
                            *slot = Some(reply);
                        }
                    });
                }
            }
            command if command.is_command() => {
                let admitted = BUDGET.with(|b| {
                    let mut budget = b.get();
                    let admitted = budget.admit(js_sys::Date::now());
                    b.set(budget);
                    admitted
                });
                if !admitted {
                    let text = format!("at most {} commands a second", embed::COMMANDS_PER_SECOND);
                    return post(error_reply(ErrorCode::RateLimited, &text), Some(id));
                }
                spawn_local(async move {
                    let reply = match commands::run(self, command).await {
                        Ok(result) => Message::Reply(Reply::Ok { ok: True, result }),
                        Err((code, message)) => error_reply(code, &message),
                    };
                    post(reply, Some(id));
                });
            }
            // The desk's own messages (hello, events, requests) are not the host's to send.
            _ => post(error_reply(ErrorCode::UnknownType, "not a message a host sends"), Some(id)),
        }
    }
}

/// The desk's page is leaving (reload, navigation, the frame removed): `bye`, so the host knows the
/// next `hello` is a new desk and nothing it sent meanwhile was heard.
fn say_bye_when_leaving() {
    let Some(window) = web_sys::window() else { return };
    let said = Cell::new(false);
    let leaving = Closure::<dyn FnMut()>::new(move || {
        if !said.replace(true) {
            post(Message::Bye {}, None);
        }
    });
    // `beforeunload` while the page is still whole (a message posted in `pagehide` of a frame that
    // navigates may never arrive); `pagehide` when the frame is removed, which has no `beforeunload`.
    for event in ["beforeunload", "pagehide"] {
        let _ = window.add_event_listener_with_callback(event, leaving.as_ref().unchecked_ref());
    }
    leaving.forget();
}

fn is_reply(event: &web_sys::MessageEvent) -> bool {
    js_sys::Reflect::get(&event.data(), &JsValue::from_str("type")).ok().and_then(|v| v.as_string())
        == Some("reply".into())
}

/// The sign-in window posts its code to this page: not the host's, and not an intruder.
fn looks_like_signin(event: &web_sys::MessageEvent) -> bool {
    let own = web_sys::window().and_then(|w| w.location().origin().ok());
    own.as_deref() == Some(event.origin().as_str())
        && js_sys::Reflect::get(&event.data(), &JsValue::from_str("hovor")).ok().and_then(|v| v.as_string())
            == Some("signin".into())
}

/// What this desk can do for a host, as `hello` lists it.
fn capabilities() -> Vec<String> {
    let mut all = vec![
        "dial",
        "compose",
        "setAgentState",
        "focusInteraction",
        "screenPop",
        "resize",
        "setData",
        "linkRecord",
    ];
    if page::auto_dial() {
        all.push("autoPlace");
    }
    all.into_iter().map(str::to_owned).collect()
}

fn refusal_text(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::TooLarge => "the message is larger than 16 KiB",
        ErrorCode::UnsupportedVersion => "this desk speaks version 1",
        ErrorCode::UnknownType => "no such message type in version 1",
        _ => "the message's envelope or payload is not as version 1 defines it",
    }
}

pub fn error_reply(code: ErrorCode, message: &str) -> Message {
    Message::Reply(Reply::Error { ok: False, error: ReplyError { code, message: message.to_owned() } })
}

/// Posts to the framing window, to the host's exact origin only (never `*`).
pub fn post(message: Message, re: Option<String>) {
    let _ = post_with_id(message, re);
}

/// As `post`; the message's id, when it could be posted.
fn post_with_id(message: Message, re: Option<String>) -> Option<String> {
    let host = page::host()?;
    let parent = web_sys::window()?.parent().ok().flatten()?;
    let id = NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id + 1);
        format!("d{id}")
    });
    let answers = matches!(message, Message::Reply(_));
    let envelope = Envelope { hovor: MARKER.into(), v: 1, id: id.clone(), re, message };
    let mut text = serde_json::to_string(&envelope).ok()?;
    if text.len() > embed::MAX_MESSAGE_BYTES {
        // The host would refuse it: a reply says why instead; anything else is not sent.
        if !answers {
            return None;
        }
        let too_large = error_reply(ErrorCode::TooLarge, "the answer is larger than 16 KiB");
        text = serde_json::to_string(&Envelope { message: too_large, ..envelope }).ok()?;
    }
    let value = js_sys::JSON::parse(&text).ok()?;
    parent.post_message(&value, &host).ok()?;
    Some(id)
}

/// Posts a request at once and returns the wait for the host's reply (`timeout` after ten seconds).
pub fn ask(message: Message) -> impl Future<Output = Result<Option<serde_json::Value>, ErrorCode>> {
    let posted = post_with_id(message, None).ok_or(ErrorCode::NotReady);
    if let Ok(id) = &posted {
        WAITING.with(|w| w.borrow_mut().insert(id.clone(), None));
    }
    async move { reply_to(posted?).await }
}

async fn reply_to(id: String) -> Result<Option<serde_json::Value>, ErrorCode> {
    let mut waited = 0;
    let reply = loop {
        if let Some(reply) = WAITING.with(|w| w.borrow_mut().get_mut(&id).and_then(Option::take)) {
            break Ok(reply);
        }
        if waited >= REPLY_TIMEOUT_MS {
            break Err(ErrorCode::Timeout);
        }
        gloo_timers::future::sleep(Duration::from_millis(50)).await;
        waited += 50;
    };
    WAITING.with(|w| w.borrow_mut().remove(&id));
    match reply? {
        Reply::Ok { result, .. } => Ok(result),
        Reply::Error { error, .. } => Err(error.code),
    }
}
