//! App-wide stores, each with `provide_x()` and `use_x()`.

pub mod alerts;
pub mod attention;
pub mod call_audio;
pub mod clock;
pub mod configured;
pub mod conversation;
pub mod drafts;
pub mod embed;
pub mod focus;
pub mod handling;
pub mod language;
pub mod live;
pub mod routing;
pub mod session;
pub mod shortcuts;
