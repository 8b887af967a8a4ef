//! App-wide stores, each with `provide_x()` and `use_x()`.

pub mod clock;
pub mod conversation;
pub mod drafts;
pub mod language;
pub mod live;
pub mod session;
