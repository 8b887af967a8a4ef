//! The phone pages' lines: a phone page says which number it has (`POST /api/phone/lines`, the
//! number kept out of URLs), listens on its line, and rings when Hovor calls that number.
//!
//! Lines live in this instance's memory, like the calls it switches: a phone page listens on the
//! instance it reached, and a call placed on another instance does not ring it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use hovor_types::validate::phone_digits;
use hovor_types::voice::{IncomingCall, LineCallState};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// What a line's phone page hears: a call ringing it, or the state of a call it takes part in as a
/// number.
#[derive(Debug, Clone)]
pub enum LineEvent {
    Ring(IncomingCall),
    State(LineCallState),
}

#[derive(Default)]
struct Registry {
    /// A line's cookie (its SHA-256) → the line's digits.
    numbers: HashMap<String, String>,
    /// The digits → the phone pages listening on them.
    listeners: HashMap<String, Vec<UnboundedSender<LineEvent>>>,
}

#[derive(Clone, Default)]
pub struct Lines {
    registry: Arc<Mutex<Registry>>,
}

impl Lines {
    fn lock(&self) -> std::sync::MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The line of the cookie `token_hash` has `number`.
    pub fn open(&self, token_hash: String, number: &str) {
        self.lock().numbers.insert(token_hash, phone_digits(number));
    }

    /// The digits of the cookie's line.
    pub fn number(&self, token_hash: &str) -> Option<String> {
        self.lock().numbers.get(token_hash).cloned()
    }

    /// A phone page listens on its line: each call to its number arrives on the receiver.
    pub fn listen(&self, digits: &str) -> UnboundedReceiver<LineEvent> {
        let (sender, receiver) = unbounded_channel();
        let mut registry = self.lock();
        let listeners = registry.listeners.entry(digits.to_owned()).or_default();
        listeners.retain(|l| !l.is_closed());
        listeners.push(sender);
        receiver
    }

    /// Whether a phone page listens on `number`.
    pub fn listened(&self, number: &str) -> bool {
        let registry = self.lock();
        registry.listeners.get(&phone_digits(number)).is_some_and(|l| l.iter().any(|l| !l.is_closed()))
    }

    /// Rings every phone page listening on `number`; false when none is.
    pub fn ring(&self, number: &str, call: &IncomingCall) -> bool {
        self.tell(number, LineEvent::Ring(call.clone()))
    }

    /// Sends `event` to every phone page listening on `number`; false when none is.
    pub fn tell(&self, number: &str, event: LineEvent) -> bool {
        let mut registry = self.lock();
        let Some(listeners) = registry.listeners.get_mut(&phone_digits(number)) else { return false };
        listeners.retain(|l| l.send(event.clone()).is_ok());
        !listeners.is_empty()
    }
}
