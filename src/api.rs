//! Typed HTTP client for the Hovor API, one module per resource.
pub use client::ApiError;

pub mod call_settings;
pub mod callbacks;
pub mod client;
pub mod collaboration;
pub mod conversations;
pub mod email;
pub mod library;
pub mod listings;
pub mod records;
pub mod responses;
pub mod routing;
pub mod session;
pub mod supervisor;
pub mod voice;
