//! Customer records shared by the conversation's card and the Directory page.

pub mod account;
pub mod audit;
pub mod conflict;
pub mod contact;
pub mod details;
pub mod history;
pub mod merge;
pub mod merges;
pub mod new_contact;
pub mod search;
pub mod workspace;

// One stylesheet for every record view; `css` is shared so each class is declared once.
stylance::import_crate_style!(#[allow(dead_code)] pub css, "src/features/records/records.module.css");
