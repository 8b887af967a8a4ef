//! Wakes event streams when an event is committed, and ends them when the server shuts down.
//! Streams read the events themselves from the outbox table; the hub carries no data, only "look again".

use std::sync::Arc;

use tokio::sync::watch;

#[derive(Clone)]
pub struct Hub(Arc<Channels>);

struct Channels {
    latest: watch::Sender<i64>,
    shutdown: watch::Sender<bool>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub(Arc::new(Channels { latest: watch::channel(0).0, shutdown: watch::channel(false).0 }))
    }
}

impl Hub {
    /// Call after the transaction that appended event `id` has committed.
    pub fn committed(&self, id: i64) {
        self.0.latest.send_if_modified(|latest| {
            let newer = id > *latest;
            if newer {
                *latest = id;
            }
            newer
        });
    }

    pub fn subscribe(&self) -> watch::Receiver<i64> {
        self.0.latest.subscribe()
    }

    pub fn shutting_down(&self) -> watch::Receiver<bool> {
        self.0.shutdown.subscribe()
    }

    /// Ends every open stream so a graceful shutdown does not wait for them.
    pub fn shut_down(&self) {
        self.0.shutdown.send_replace(true);
    }
}
