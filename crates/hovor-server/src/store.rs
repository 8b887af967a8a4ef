//! Database reads and writes, one module per resource. Handlers check access through
//! [`conversations::visible`] before reading anything that belongs to a conversation.

pub mod activities;
pub mod cases;
pub mod chat;
pub mod conversations;
pub mod customers;
pub mod events;
pub mod messages;
pub mod responses;
pub mod timeline;
