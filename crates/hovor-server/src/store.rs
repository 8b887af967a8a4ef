//! Database reads and writes, one module per resource. Handlers check access through
//! [`conversations::visible`] before reading anything that belongs to a conversation. Writes to
//! records take the caller's immediate transaction (`&mut Conn`), so a change, its
//! version, its audit rows and its events commit together.

pub mod accounts;
pub mod activities;
pub mod admin;
pub mod anonymise;
pub mod audit;
pub mod call_data;
pub mod callbacks;
pub mod cases;
pub mod chat;
pub mod collaboration;
pub mod contacts;
pub mod conversations;
pub mod customers;
pub mod details;
pub mod directory;
pub mod drafts;
pub mod emails;
pub mod embed;
pub mod events;
pub mod feedback;
pub mod history;
pub mod learning;
pub mod listings;
pub mod merges;
pub mod messages;
pub mod monitoring;
pub mod placeholders;
pub mod quality;
pub mod reads;
pub mod recordings;
pub mod response_admin;
pub mod responses;
pub mod retention;
pub mod segments;
pub mod session_data;
pub mod supervisor;
pub mod tags;
pub mod timeline;
pub mod translations;
pub mod versions;
