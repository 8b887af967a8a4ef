//! Voice: the calls in progress and how they meet conversations, the media switch every call's audio
//! goes through, its mixer, and the music it plays.

pub mod backlog;
pub mod calls;
mod downlink;
pub mod flows;
pub mod hosts;
pub mod lines;
mod media_thread;
pub mod mixer;
pub mod music;
pub mod recorder;
mod splice;
pub mod switch;
pub mod tone;
