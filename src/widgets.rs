//! The app's shared layer for forms and records: pieces that know the domain (versions, audits,
//! channels, tags) but no single feature. Every feature's forms use them; `components/` stays
//! domain-free and `state/` never reaches up into features.
//!
//! - `versioned`: saving a record under its version, and the conflict notice when someone saved first;
//! - `audit`: a record's changes;
//! - `chips`: the channel badge and tag chips;
//! - `feedback`: a customer's answers to the post-chat survey;
//! - `record`: the record and form stylesheet (forms, actions, compare tables, result lists).

pub mod audit;
pub mod chips;
pub mod feedback;
pub mod record;
pub mod versioned;
