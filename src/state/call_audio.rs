//! The headset's audio connection to a call: one at a time, opened by the call pane (its code is in
//! the `call` chunk) and kept while the agent moves between conversations, so the call goes on; let
//! go of when the call is over for the agent.

use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioStatus {
    Connecting,
    Connected,
    /// The microphone was refused or the connection failed; the pane offers to connect again.
    Failed,
}

/// A live connection: its call, and what lets go of it (closes the connection, stops the microphone,
/// silences the speaker). The WebRTC code itself stays in the `call` chunk.
pub struct Connected {
    pub conversation_id: i64,
    pub close: Box<dyn FnOnce()>,
}

#[derive(Clone, Copy)]
pub struct CallAudio {
    current: StoredValue<Option<Connected>, LocalStorage>,
    /// Which call the headset is on, and how that stands.
    pub status: RwSignal<Option<(i64, AudioStatus)>>,
}

impl AudioStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AudioStatus::Connecting => "connecting",
            AudioStatus::Connected => "connected",
            AudioStatus::Failed => "failed",
        }
    }
}

impl Default for CallAudio {
    fn default() -> Self {
        CallAudio { current: StoredValue::new_local(None), status: RwSignal::new(None) }
    }
}

impl CallAudio {
    /// The headset's state for this call (tracked).
    pub fn status_of(self, conversation_id: i64) -> Option<AudioStatus> {
        self.status.get().filter(|(id, _)| *id == conversation_id).map(|(_, s)| s)
    }

    /// Whether a connection to this call is open or being opened.
    pub fn busy_with(self, conversation_id: i64) -> bool {
        matches!(
            self.status.get_untracked(),
            Some((id, AudioStatus::Connecting | AudioStatus::Connected)) if id == conversation_id
        )
    }

    pub fn connecting(self, conversation_id: i64) {
        self.status.set(Some((conversation_id, AudioStatus::Connecting)));
    }

    pub fn failed(self, conversation_id: i64) {
        self.status.set(Some((conversation_id, AudioStatus::Failed)));
    }

    /// The new connection replaces any earlier one.
    pub fn connected(self, connected: Connected) {
        let id = connected.conversation_id;
        if let Some(old) = self.current.try_update_value(|c| c.replace(connected)).flatten() {
            (old.close)();
        }
        self.status.set(Some((id, AudioStatus::Connected)));
    }

    /// Lets go of the call's audio, if the headset is on it.
    pub fn hang_up(self, conversation_id: i64) {
        let old =
            self.current.try_update_value(|c| c.take_if(|c| c.conversation_id == conversation_id)).flatten();
        if let Some(old) = old {
            (old.close)();
        }
        if self.status.get_untracked().is_some_and(|(id, _)| id == conversation_id) {
            self.status.set(None);
        }
    }
}
