//! Calls (WBX): who is on a call and in what role, what each party may do, who hears whom, and the
//! call-associated data agents read and edit.
//!
//! The server keeps one [`Call`] per voice conversation and changes it only through
//! [`Call::apply`]; the media switch asks [`Call::hears`] what to send each party after every change,
//! and the desk asks [`Call::allows`] which controls to enable. One model, so a button the desk shows
//! is exactly an action the server accepts.

mod call;
mod data;
mod media;
mod signal;

pub use call::*;
pub use data::*;
pub use media::*;
pub use signal::*;

#[cfg(test)]
mod tests;
