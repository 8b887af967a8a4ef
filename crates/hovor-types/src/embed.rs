//! The host API: how a CRM page that frames the desk (`/embed?host=<origin>`) and the desk talk, by
//! `postMessage`. Protocol "desk", major version 1; documented for integrators in docs/EMBEDDING.md.
//!
//! Every message is an [`Envelope`]: the marker `hovor: "desk"`, the major version, a unique id, the
//! id it answers (`re`, replies only), its type and its payload. Reading one ([`read`]) checks each of
//! those in turn, so a message that is not ours is ignored and every other fault is answered with its
//! own [`ErrorCode`].

use serde::{Deserialize, Serialize};

use crate::Millis;

/// The envelope's marker: anything else is not a Hovor message and is ignored.
pub const MARKER: &str = "desk";
/// The major versions this desk speaks.
pub const VERSIONS: &[u32] = &[1];
/// The largest message either side accepts, serialized.
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024;
/// Commands a host may send per second; beyond, `rate_limited`.
pub const COMMANDS_PER_SECOND: u32 = 20;
/// The desk says `hello` this often until the host answers `welcome`, and gives up after the second.
pub const HELLO_EVERY_MS: u32 = 250;
pub const HELLO_GIVE_UP_MS: u32 = 10_000;
/// How long either side waits for a reply.
pub const REPLY_TIMEOUT_MS: u32 = 10_000;
/// The heights a `resize` may ask for (CRM softphone panels clamp to about these).
pub const MIN_HEIGHT: u32 = 240;
pub const MAX_HEIGHT: u32 = 2_560;

/// A message as it travels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    pub hovor: String,
    pub v: u32,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub re: Option<String>,
    #[serde(flatten)]
    pub message: Message,
}

/// A record in the host's CRM, e.g. `{system: "salesforce", type: "Contact", id: "003…"}`. Only ever
/// stored as a link: it never widens what the agent may read in Hovor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordRef {
    pub system: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// The agent as the host sees them: an id and a name, nothing more.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agent {
    pub id: i64,
    pub name: String,
}

/// The agent's state as the desk shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentState {
    /// `available` or `idle`.
    pub state: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub since: Millis,
}

/// An interaction (chat, email, call) in the agent's task list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InteractionRef {
    pub interaction_id: i64,
    /// `chat`, `email` or `voice`.
    pub channel: String,
    /// The queue's name.
    pub queue: String,
    pub customer: Customer,
}

/// The customer as events show them: a name and a phone's last four digits; never a transcript or an
/// address (the screen pop's [`Lookup`] carries the keys the desk shows).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_last4: Option<String>,
}

/// What the host may look the customer up by (screen pop), as the customer gave them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Lookup {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// Every message of protocol version 1: `{"type": …, "payload": …}` inside the envelope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "payload", rename_all = "camelCase")]
pub enum Message {
    // The handshake.
    /// Desk → host, repeated until `welcome`.
    Hello {
        versions: Vec<u32>,
        capabilities: Vec<String>,
    },
    /// Host → desk: the version chosen.
    Welcome {
        v: u32,
        #[serde(default)]
        capabilities: Vec<String>,
    },
    /// Desk → host: signed in and working.
    Ready {
        agent: Agent,
        state: AgentState,
        interactions: Vec<InteractionRef>,
    },
    /// Desk → host: the agent must sign in: in Hovor's window (`popup`, the desk shows it), or by an
    /// assertion the host's server signs with this `nonce` and sends in `signIn` (`assertion`).
    SignInRequired {
        methods: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nonce: Option<String>,
    },

    // Events, desk → host, not answered.
    SignedIn {
        agent: Agent,
    },
    /// `reason`: `user`, `expired` or `revoked`.
    SignedOut {
        reason: String,
    },
    AgentStateChanged {
        state: AgentState,
    },
    #[serde(rename_all = "camelCase")]
    OfferCreated {
        interaction: InteractionRef,
        expires_at: Option<Millis>,
    },
    /// `outcome`: `accepted`, `declined`, `missed` or `withdrawn`.
    #[serde(rename_all = "camelCase")]
    OfferEnded {
        interaction_id: i64,
        outcome: String,
    },
    /// Its customer's phone masked to its last 4 digits; the keys to find the customer by travel
    /// only in the [`Message::ScreenPop`] request that follows.
    InteractionStarted {
        interaction: InteractionRef,
    },
    #[serde(rename_all = "camelCase")]
    InteractionFocused {
        interaction_id: Option<i64>,
    },
    #[serde(rename_all = "camelCase")]
    InteractionEnded {
        interaction_id: i64,
    },
    #[serde(rename_all = "camelCase")]
    WrapUpCompleted {
        interaction_id: i64,
        reason: String,
        handled_ms: Millis,
        focus_ms: Millis,
    },
    /// `kind`: `offer`, `message` or `missedOffer`.
    #[serde(rename_all = "camelCase")]
    AttentionRequested {
        interaction_id: Option<i64>,
        kind: String,
    },

    // Requests, desk → host, answered with a reply.
    Resize {
        height: u32,
    },
    #[serde(rename_all = "camelCase")]
    ScreenPop {
        interaction_id: i64,
        lookup: Lookup,
    },

    // Commands, host → desk, answered with a reply.
    /// Opens an outbound call to the number, placed on the agent's tap unless the deployment lets the
    /// host place it (`autoPlace`).
    #[serde(rename_all = "camelCase")]
    Dial {
        number: String,
        #[serde(default)]
        record: Option<RecordRef>,
        #[serde(default)]
        auto_place: bool,
    },
    Compose {
        to: String,
        #[serde(default)]
        subject: Option<String>,
    },
    SetAgentState {
        state: String,
        #[serde(default)]
        reason: Option<String>,
    },
    GetState {},
    #[serde(rename_all = "camelCase")]
    FocusInteraction {
        interaction_id: i64,
    },
    ContextChanged {
        #[serde(default)]
        record: Option<RecordRef>,
    },
    #[serde(rename_all = "camelCase")]
    LinkRecord {
        interaction_id: i64,
        record: RecordRef,
    },
    #[serde(rename_all = "camelCase")]
    SetData {
        interaction_id: i64,
        data: std::collections::BTreeMap<String, String>,
    },
    VisibilityChanged {
        visible: bool,
    },
    Notify {
        message: String,
        level: String,
    },
    SignOut {},
    /// Signs the agent in with an assertion the host's server signed (see `signInRequired`).
    SignIn {
        assertion: String,
    },

    /// The answer to a request or a command (`re` names it).
    Reply(Reply),
    /// Either side is leaving.
    Bye {},
}

impl Message {
    /// Whether the host sends it as a command (rate-limited, always answered).
    pub fn is_command(&self) -> bool {
        matches!(
            self,
            Message::Dial { .. }
                | Message::Compose { .. }
                | Message::SetAgentState { .. }
                | Message::GetState {}
                | Message::FocusInteraction { .. }
                | Message::ContextChanged { .. }
                | Message::LinkRecord { .. }
                | Message::SetData { .. }
                | Message::VisibilityChanged { .. }
                | Message::Notify { .. }
                | Message::SignOut {}
                | Message::SignIn { .. }
        )
    }
}

/// A reply: what was asked for, or why not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Reply {
    Ok {
        ok: True,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        result: Option<serde_json::Value>,
    },
    Error {
        ok: False,
        error: ReplyError,
    },
}

/// `true` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "bool", into = "bool")]
pub struct True;
/// `false` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "bool", into = "bool")]
pub struct False;

impl TryFrom<bool> for True {
    type Error = &'static str;
    fn try_from(b: bool) -> Result<True, &'static str> {
        if b { Ok(True) } else { Err("expected true") }
    }
}
impl From<True> for bool {
    fn from(_: True) -> bool {
        true
    }
}
impl TryFrom<bool> for False {
    type Error = &'static str;
    fn try_from(b: bool) -> Result<False, &'static str> {
        if b { Err("expected false") } else { Ok(False) }
    }
}
impl From<False> for bool {
    fn from(_: False) -> bool {
        false
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplyError {
    pub code: ErrorCode,
    pub message: String,
}

crate::string_enum! {
    /// Why a message was refused.
    pub enum ErrorCode {
        UnsupportedVersion = "unsupported_version",
        UnknownType = "unknown_type",
        InvalidPayload = "invalid_payload",
        TooLarge = "too_large",
        NotReady = "not_ready",
        NotSignedIn = "not_signed_in",
        Forbidden = "forbidden",
        NotFound = "not_found",
        RateLimited = "rate_limited",
        Timeout = "timeout",
    }
}

/// Why an arriving message is not acted on.
#[derive(Debug, Clone, PartialEq)]
pub enum Refused {
    /// Not a Hovor message (no marker, or not an object): dropped without an answer.
    NotOurs,
    /// Answered with this error (`re` is the message's id, when it had one).
    Answer { re: Option<String>, code: ErrorCode },
}

/// Reads an arriving message (`text`, its JSON): the envelope's marker, its size, its version, then
/// its type and payload, each fault with its own code.
pub fn read(text: &str) -> Result<Envelope, Refused> {
    let Ok(raw) = serde_json::from_str::<serde_json::Value>(text) else { return Err(Refused::NotOurs) };
    if raw.get("hovor").and_then(|m| m.as_str()) != Some(MARKER) {
        return Err(Refused::NotOurs);
    }
    let re = raw.get("id").and_then(|id| id.as_str()).map(str::to_owned);
    let answer = |code| Err(Refused::Answer { re: re.clone(), code });
    if text.len() > MAX_MESSAGE_BYTES {
        return answer(ErrorCode::TooLarge);
    }
    if re.as_deref().is_none_or(|id| id.is_empty() || id.len() > 64) {
        return answer(ErrorCode::InvalidPayload);
    }
    if !raw
        .get("v")
        .and_then(|v| v.as_u64())
        .is_some_and(|v| VERSIONS.iter().any(|&ours| u64::from(ours) == v))
    {
        return answer(ErrorCode::UnsupportedVersion);
    }
    let Some(kind) = raw.get("type").and_then(|t| t.as_str()) else {
        return answer(ErrorCode::InvalidPayload);
    };
    if !KNOWN_TYPES.contains(&kind) {
        return answer(ErrorCode::UnknownType);
    }
    serde_json::from_value(raw).or_else(|_| answer(ErrorCode::InvalidPayload))
}

/// The message types of version 1, as they travel.
pub const KNOWN_TYPES: &[&str] = &[
    "hello",
    "welcome",
    "ready",
    "signInRequired",
    "signedIn",
    "signedOut",
    "agentStateChanged",
    "offerCreated",
    "offerEnded",
    "interactionStarted",
    "interactionFocused",
    "interactionEnded",
    "wrapUpCompleted",
    "attentionRequested",
    "resize",
    "screenPop",
    "dial",
    "compose",
    "setAgentState",
    "getState",
    "focusInteraction",
    "contextChanged",
    "linkRecord",
    "setData",
    "visibilityChanged",
    "notify",
    "signOut",
    "signIn",
    "reply",
    "bye",
];

impl From<&crate::routing::AgentStatus> for AgentState {
    fn from(status: &crate::routing::AgentStatus) -> AgentState {
        AgentState {
            state: status.state.as_str().to_owned(),
            reason: status.idle_reason.map(|r| r.as_str().to_owned()),
            since: status.since,
        }
    }
}

impl AgentState {
    /// What `setAgentState` asks for, as the desk's own state control would set it: Available, or
    /// Idle with one of the reasons an agent may pick.
    pub fn wanted(
        state: &str,
        reason: Option<&str>,
    ) -> Option<(crate::routing::AgentState, Option<crate::routing::IdleReason>)> {
        use crate::routing::{AgentState as Routing, IdleReason};
        match (state, reason) {
            ("available", None) => Some((Routing::Available, None)),
            ("idle", reason) => {
                let reason = IdleReason::parse(reason.unwrap_or("break"))?;
                IdleReason::CHOSEN.contains(&reason).then_some((Routing::Idle, Some(reason)))
            }
            _ => None,
        }
    }
}

/// How an offer left the agent's stack, as the host hears it.
pub fn offer_outcome(end: crate::routing::OfferEnd) -> &'static str {
    use crate::routing::OfferEnd;
    match end {
        OfferEnd::Accepted => "accepted",
        OfferEnd::Declined => "declined",
        OfferEnd::NoAnswer => "missed",
        OfferEnd::Withdrawn => "withdrawn",
    }
}

/// The last four digits of a phone number, as events show it.
pub fn last4(phone: &str) -> Option<String> {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 4).then(|| digits[digits.len() - 4..].iter().collect())
}

/// The host's commands within [`COMMANDS_PER_SECOND`]: a window of one second from the first command
/// in it.
#[derive(Debug, Clone, Copy, Default)]
pub struct CommandBudget {
    window_start: f64,
    used: u32,
}

impl CommandBudget {
    /// Whether one more command at `now_ms` is within the budget (and counts it).
    pub fn admit(&mut self, now_ms: f64) -> bool {
        if now_ms - self.window_start >= 1_000.0 {
            self.window_start = now_ms;
            self.used = 0;
        }
        self.used += 1;
        self.used <= COMMANDS_PER_SECOND
    }
}

/// An origin as the allow-list holds it: `scheme://host[:port]`, http or https, nothing after. Hosts
/// are compared byte for byte, so the form is checked where the list is read.
pub fn is_exact_origin(origin: &str) -> bool {
    let Some((scheme, rest)) = origin.split_once("://") else { return false };
    let host = match rest.rsplit_once(':') {
        Some((host, port))
            if port.bytes().all(|b| b.is_ascii_digit()) && port.parse::<u16>().is_ok_and(|p| p > 0) =>
        {
            host
        }
        Some(_) => return false,
        None => rest,
    };
    matches!(scheme, "http" | "https")
        && !host.is_empty()
        && host.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(text: &str) -> Option<ErrorCode> {
        match read(text) {
            Err(Refused::Answer { code, .. }) => Some(code),
            _ => None,
        }
    }

    #[test]
    fn a_command_reads_into_its_variant() {
        let text =
            r#"{"hovor":"desk","v":1,"id":"a1","type":"dial","payload":{"number":"+420 777 000 111"}}"#;
        let envelope = read(text).unwrap();
        assert_eq!(envelope.id, "a1");
        assert_eq!(
            envelope.message,
            Message::Dial { number: "+420 777 000 111".into(), record: None, auto_place: false }
        );
        assert!(envelope.message.is_command());
        let text = r#"{"hovor":"desk","v":1,"id":"a2","type":"getState","payload":{}}"#;
        assert_eq!(read(text).unwrap().message, Message::GetState {});
    }

    #[test]
    fn each_fault_has_its_own_answer_and_foreign_messages_none() {
        assert_eq!(read(r#"{"type":"dial"}"#), Err(Refused::NotOurs));
        assert_eq!(read("not json"), Err(Refused::NotOurs));
        assert_eq!(read(r#"{"hovor":"chat","v":1,"id":"x","type":"dial"}"#), Err(Refused::NotOurs));
        let base = |v: &str, kind: &str, payload: &str| {
            format!(r#"{{"hovor":"desk","v":{v},"id":"m7","type":"{kind}","payload":{payload}}}"#)
        };
        assert_eq!(answer(&base("2", "getState", "{}")), Some(ErrorCode::UnsupportedVersion));
        assert_eq!(answer(&base("1", "launchMissiles", "{}")), Some(ErrorCode::UnknownType));
        assert_eq!(answer(&base("1", "dial", r#"{"number":7}"#)), Some(ErrorCode::InvalidPayload));
        let big = base("1", "notify", &format!(r#"{{"message":"{}","level":"info"}}"#, "x".repeat(20_000)));
        assert_eq!(answer(&big), Some(ErrorCode::TooLarge));
        match read(&base("2", "getState", "{}")) {
            Err(Refused::Answer { re, .. }) => assert_eq!(re.as_deref(), Some("m7")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn replies_say_ok_or_the_error_and_round_trip() {
        let ok = Envelope {
            hovor: MARKER.into(),
            v: 1,
            id: "r1".into(),
            re: Some("a1".into()),
            message: Message::Reply(Reply::Ok { ok: True, result: None }),
        };
        let text = serde_json::to_string(&ok).unwrap();
        assert_eq!(
            text,
            r#"{"hovor":"desk","v":1,"id":"r1","re":"a1","type":"reply","payload":{"ok":true}}"#
        );
        assert_eq!(read(&text).unwrap(), ok);
        let refused = Message::Reply(Reply::Error {
            ok: False,
            error: ReplyError { code: ErrorCode::RateLimited, message: "20 a second".into() },
        });
        let text = serde_json::to_string(&Envelope { message: refused.clone(), ..ok }).unwrap();
        assert!(
            text.contains(
                r#""payload":{"ok":false,"error":{"code":"rate_limited","message":"20 a second"}}"#
            )
        );
        assert_eq!(read(&text).unwrap().message, refused);
    }

    #[test]
    fn every_known_type_is_a_variant() {
        for kind in KNOWN_TYPES {
            let text = format!(r#"{{"hovor":"desk","v":1,"id":"t","type":"{kind}","payload":{{}}}}"#);
            // An empty payload may be invalid for the type, never unknown.
            assert_ne!(answer(&text), Some(ErrorCode::UnknownType), "{kind}");
        }
    }

    #[test]
    fn commands_beyond_the_budget_wait_for_the_next_second() {
        let mut budget = CommandBudget::default();
        let admitted = (0..25).filter(|_| budget.admit(10_000.0)).count();
        assert_eq!(admitted, COMMANDS_PER_SECOND as usize);
        assert!(!budget.admit(10_999.0));
        assert!(budget.admit(11_000.0));
    }

    #[test]
    fn states_and_outcomes_read_as_the_host_hears_them() {
        use crate::routing::{AgentState as Routing, IdleReason, OfferEnd};
        assert_eq!(AgentState::wanted("available", None), Some((Routing::Available, None)));
        assert_eq!(AgentState::wanted("idle", Some("lunch")), Some((Routing::Idle, Some(IdleReason::Lunch))));
        assert_eq!(AgentState::wanted("idle", None), Some((Routing::Idle, Some(IdleReason::Break))));
        // Reasons the server sets are not the host's to pick.
        assert_eq!(AgentState::wanted("idle", Some("no_answer")), None);
        assert_eq!(AgentState::wanted("available", Some("lunch")), None);
        assert_eq!(AgentState::wanted("busy", None), None);
        assert_eq!(offer_outcome(OfferEnd::NoAnswer), "missed");
        assert_eq!(last4("+420 777 123 456").as_deref(), Some("3456"));
        assert_eq!(last4("12"), None);
    }

    #[test]
    fn only_exact_origins_are_allowed() {
        for good in ["https://crm.example", "http://localhost:5173", "https://crm-eu.example.com:8443"] {
            assert!(is_exact_origin(good), "{good}");
        }
        for bad in [
            "crm.example",
            "https://crm.example/",
            "https://*.example",
            "https://CRM.example",
            "ftp://x",
            "https://x:99999",
            "https://",
        ] {
            assert!(!is_exact_origin(bad), "{bad}");
        }
    }
}
