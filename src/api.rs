//! Typed HTTP client for the Hovor API, one module per resource.

pub mod client;
pub mod conversations;
pub mod session;

pub use client::ApiError;
