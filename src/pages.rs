//! Route components.

pub mod desk;
pub mod directory;
pub mod login;
pub mod not_found;
