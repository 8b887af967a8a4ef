//! The email channel's mail handling: reading what arrives (`incoming`), writing what agents send
//! (`outgoing`) and the outbox that hands it to the SMTP relay with retries (`outbox`).

pub mod incoming;
pub mod outbox;
pub mod outgoing;

/// A Message-ID as stored: without angle brackets or surrounding space.
pub fn bare_id(id: &str) -> String {
    id.trim().trim_start_matches('<').trim_end_matches('>').trim().to_owned()
}
