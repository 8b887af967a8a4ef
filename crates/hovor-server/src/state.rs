//! What every handler and background task shares: the database, the event hub, the routing engine's
//! state, the response library's index, the configured secrets and origins, and the door limits.

use crate::db::Pool;

use crate::{email, hub, limits, routing, store};

#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub hub: hub::Hub,
    pub routing: routing::Routing,
    /// The standard responses library with its ranking index.
    pub responses: store::responses::LibraryCache,
    /// What customers wrote when agents chose each response, for suggestions.
    pub learned: store::learning::LearnedCache,
    /// Verifies the customer identities host sites sign for web chat.
    pub chat_identity_secret: Option<std::sync::Arc<str>>,
    /// Host sites whose pages may pass self-service actions and context to the chat page.
    pub chat_host_origins: Vec<String>,
    /// The CRM origins that may frame the desk (`/embed`), exact.
    pub embed_host_origins: Vec<String>,
    /// The secret CRM servers sign agents' assertions with (`--embed-assertion-secret`).
    pub embed_assertion_secret: Option<std::sync::Arc<str>>,
    /// Whether a CRM may place a call without the agent's tap (`--embed-auto-dial`).
    pub embed_auto_dial: bool,
    /// The SMTP relay, the inbound gateway's token and the outbox's wake-up.
    pub mail: email::outbox::Mail,
    /// Sign-in's throttle and its bound on concurrent password checks.
    pub sign_in: limits::SignInGuard,
    /// Per-address limits of the public customer doors.
    pub doors: limits::PublicDoors,
    /// The client's address comes from `X-Forwarded-For` (behind a trusted reverse proxy).
    pub trust_forwarded_for: bool,
    /// Where browsers reach Hovor (`--public-url`), when configured.
    pub public_url: Option<String>,
    /// The calls in progress and the media switch their audio goes through; started by `serve` (and by
    /// the tests that need it).
    pub voice: Option<crate::voice::calls::Calls>,
    /// The other instances that may hold a call a request is about (started by `serve`).
    pub call_hosts: Option<crate::voice::hosts::CallHosts>,
    /// What changes are stamped with.
    pub clock: crate::db::Clock,
    /// The token that opens the callbacks API to a website or an IVR (`--callbacks-api-token`).
    pub callbacks_token: Option<std::sync::Arc<str>>,
    /// How many outbound calls (Start call, callbacks) may go on at once across the installation
    /// (`--max-outbound-calls`); none means no limit.
    pub max_outbound_calls: Option<u32>,
}

impl AppState {
    pub fn new(pool: Pool) -> AppState {
        AppState {
            pool,
            hub: hub::Hub::default(),
            routing: routing::Routing::default(),
            responses: store::responses::LibraryCache::default(),
            learned: store::learning::LearnedCache::default(),
            chat_identity_secret: None,
            chat_host_origins: Vec::new(),
            embed_host_origins: Vec::new(),
            embed_assertion_secret: None,
            embed_auto_dial: false,
            mail: email::outbox::Mail::default(),
            sign_in: limits::SignInGuard::default(),
            doors: limits::PublicDoors::default(),
            trust_forwarded_for: false,
            clock: crate::db::Clock::default(),
            callbacks_token: None,
            max_outbound_calls: None,
            public_url: None,
            voice: None,
            call_hosts: None,
        }
    }

    /// Served over HTTPS (directly or behind a proxy): cookies are Secure and HSTS is sent.
    pub fn is_https(&self) -> bool {
        self.public_url.as_deref().is_some_and(|u| u.to_ascii_lowercase().starts_with("https://"))
    }

    /// The attributes every cookie Hovor sets carries.
    pub fn cookie_attributes(&self) -> &'static str {
        if self.is_https() { "HttpOnly; SameSite=Lax; Secure" } else { "HttpOnly; SameSite=Lax" }
    }

    pub fn with_embed_host_origins(mut self, origins: Vec<String>) -> AppState {
        self.embed_host_origins = origins;
        self
    }

    pub fn with_embed_assertion_secret(mut self, secret: Option<&str>) -> AppState {
        self.embed_assertion_secret = secret.filter(|s| !s.is_empty()).map(Into::into);
        self
    }

    pub fn with_embed_auto_dial(mut self, auto_dial: bool) -> AppState {
        self.embed_auto_dial = auto_dial;
        self
    }

    pub fn with_public_url(mut self, url: Option<&str>) -> AppState {
        self.public_url = url.map(|u| u.trim_end_matches('/').to_owned());
        self
    }

    pub fn with_callbacks_token(mut self, token: Option<&str>) -> AppState {
        self.callbacks_token = token.filter(|t| !t.is_empty()).map(Into::into);
        self
    }

    pub fn with_max_outbound_calls(mut self, limit: Option<u32>) -> AppState {
        self.max_outbound_calls = limit;
        self
    }

    pub fn with_chat_identity_secret(mut self, secret: Option<&str>) -> AppState {
        self.chat_identity_secret = secret.map(Into::into);
        self
    }

    pub fn with_chat_host_origins(mut self, origins: Vec<String>) -> AppState {
        self.chat_host_origins = origins;
        self
    }

    pub fn with_mail(mut self, mail: email::outbox::Mail) -> AppState {
        self.mail = mail;
        self
    }

    /// Starts the outbox, which hands agents' emails to the SMTP relay; it stops when the hub shuts down.
    pub fn start_outbox(&self) {
        tokio::spawn(email::outbox::run(self.clone()));
    }

    /// Starts the routing engine's deadline timer (RONA); it stops when the hub shuts down.
    pub fn start_routing(&self) {
        tokio::spawn(routing::run_deadlines(self.clone()));
    }
}
