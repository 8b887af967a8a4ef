//! A queue's callback settings, as its administrator sets them on the call settings page.

use serde::{Deserialize, Serialize};

use crate::error::{FieldError, Rule};

/// Calls in all a callback nobody answers gets (the first and its retries).
pub const RETRY_ATTEMPTS: std::ops::RangeInclusive<u32> = 1..=10;
/// Minutes between those calls.
pub const RETRY_MINUTES: std::ops::RangeInclusive<u32> = 1..=1440;

/// A queue's callbacks (`GET`/`PUT /api/admin/queues/{id}/callbacks`): the retry policy for a customer
/// who does not answer, and WBX's "End call for web callback", which lets the agent cancel a callback
/// while the customer's phone still rings (the wrap-up follows; it is not tried again).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueCallbacks {
    pub attempts: u32,
    pub retry_minutes: u32,
    pub agent_may_cancel: bool,
}

/// Both numbers lie in their ranges (errors on `attempts` and `retry_minutes`).
pub fn check_queue_callbacks(settings: &QueueCallbacks) -> Result<(), FieldError> {
    within("attempts", settings.attempts, &RETRY_ATTEMPTS)?;
    within("retry_minutes", settings.retry_minutes, &RETRY_MINUTES)
}

fn within(field: &'static str, value: u32, range: &std::ops::RangeInclusive<u32>) -> Result<(), FieldError> {
    if value < *range.start() {
        return Err(FieldError::new(field, Rule::TooSmall { min: *range.start() as usize }));
    }
    if value > *range.end() {
        return Err(FieldError::new(field, Rule::TooLarge { max: *range.end() as usize }));
    }
    Ok(())
}
