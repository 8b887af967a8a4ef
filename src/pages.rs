//! Route components.

pub mod desk;
pub mod login;
pub mod not_found;
