//! The outbox: agents' emails wait in the database (status Waiting) until the SMTP relay takes them.
//! A temporary failure is tried again later, up to [`ATTEMPTS`] times; the relay refusing for good, or
//! the last attempt failing, makes the email Failed. Each outcome reaches the queue's desks as an event.

use std::sync::Arc;
use std::time::Duration;

use hovor_types::email::EmailStatus;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use tokio::sync::Notify;

use crate::AppState;
use crate::change::Change;
use crate::db::now_ms;
use crate::store::emails::{self, Due};

/// Attempts before an email is Failed.
pub const ATTEMPTS: i64 = 5;
/// The wait after each failed attempt.
const RETRY_AFTER_MS: [i64; 4] = [15_000, 60_000, 5 * 60_000, 30 * 60_000];
/// How long one relay conversation may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);
/// Emails sent per pass before the outbox looks again.
const BATCH: i64 = 20;
/// How long a claimed batch is this instance's to send (a batch of slow relays' timeouts, and more).
const LEASE_MS: i64 = BATCH * 2 * SMTP_TIMEOUT.as_millis() as i64;

/// The mail settings of a running server.
#[derive(Clone, Default)]
pub struct Mail {
    /// The relay; without one agents cannot send email.
    pub relay: Option<Arc<AsyncSmtpTransport<Tokio1Executor>>>,
    /// The token the mail gateway presents to post arriving email.
    pub inbound_token: Option<Arc<str>>,
    /// Wakes the outbox when an email is queued.
    pub wake: Arc<Notify>,
}

impl Mail {
    /// `smtp_url` as lettre reads it: `smtp://host:25` (plain; STARTTLS with `?tls=required`),
    /// `smtps://host:465`, with `user:password@` for relays that ask.
    pub fn new(smtp_url: Option<&str>, inbound_token: Option<&str>) -> anyhow::Result<Mail> {
        let relay = match smtp_url {
            Some(url) => Some(Arc::new(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?.timeout(Some(SMTP_TIMEOUT)).build(),
            )),
            None => None,
        };
        Ok(Mail { relay, inbound_token: inbound_token.map(Into::into), wake: Arc::default() })
    }
}

/// Sends what is due, then sleeps until the next email is due or one is queued; ends with the server.
pub async fn run(state: AppState) {
    let Some(relay) = state.mail.relay.clone() else { return };
    let mut stop = state.hub.shutting_down();
    loop {
        let wait = match pass(&state, &relay).await {
            Ok(next) => next.map_or(Duration::from_secs(3600), |at| {
                Duration::from_millis((at - now_ms()).clamp(0, 3_600_000) as u64)
            }),
            Err(e) => {
                tracing::warn!(error = ?e, "outbox pass failed");
                Duration::from_secs(5)
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = state.mail.wake.notified() => {}
            _ = stop.changed() => return,
        }
    }
}

/// Sends every due email; returns when the next one is due.
async fn pass(
    state: &AppState,
    relay: &AsyncSmtpTransport<Tokio1Executor>,
) -> crate::error::AppResult<Option<i64>> {
    loop {
        let mut claim = Change::begin(state).await?;
        let lease_until = claim.now + LEASE_MS;
        let due = emails::claim_due(&mut claim, lease_until, BATCH).await?;
        claim.commit(state).await?;
        if due.is_empty() {
            return emails::next_due(&state.pool).await;
        }
        for email in &due {
            let (status, retry_at, error) = attempt(relay, email).await;
            let mut change = Change::begin(state).await?;
            emails::attempted(&mut change, email, status, retry_at, error.as_deref()).await?;
            change.commit(state).await?;
        }
    }
}

async fn attempt(
    relay: &AsyncSmtpTransport<Tokio1Executor>,
    due: &Due,
) -> (EmailStatus, Option<i64>, Option<String>) {
    let message = match crate::email::outgoing::build(&due.outgoing) {
        Ok(message) => message,
        Err(e) => return (EmailStatus::Failed, None, Some(e)),
    };
    match relay.send(message).await {
        Ok(_) => (EmailStatus::Sent, None, None),
        Err(e) => {
            // The relay's words, not ours: they say what to fix. Never the message itself.
            let error = e.to_string();
            let attempt = due.attempts + 1;
            if e.is_permanent() || attempt >= ATTEMPTS {
                (EmailStatus::Failed, None, Some(error))
            } else {
                let after = RETRY_AFTER_MS[(attempt as usize - 1).min(RETRY_AFTER_MS.len() - 1)];
                (EmailStatus::Waiting, Some(now_ms() + after), Some(error))
            }
        }
    }
}
