//! Customer records shared by the conversation's card and the Directory page.

pub mod account;
pub mod contact;
pub mod details;
pub mod history;
pub mod merge;
pub mod merges;
pub mod new_contact;
pub mod search;
pub mod workspace;
