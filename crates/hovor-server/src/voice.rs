//! Voice: the media switch every call's audio goes through, its mixer, and the music it plays.

mod media_thread;
pub mod mixer;
pub mod music;
pub mod switch;
pub mod tone;
