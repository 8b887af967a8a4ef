//! The conversation timeline: this conversation's messages under the customer's earlier interactions.

use serde::{Deserialize, Serialize};

use crate::Millis;
use crate::conversation::Channel;
use crate::message::Direction;

/// Rows per timeline page unless the client asks otherwise; at most [`TIMELINE_MAX_PAGE`].
pub const TIMELINE_PAGE: u32 = 50;
pub const TIMELINE_MAX_PAGE: u32 = 200;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    pub id: i64,
    pub conversation_id: i64,
    pub channel: Channel,
    /// When the entry's interaction started: the app draws a separator where it changes.
    pub interaction_started_at: Millis,
    pub direction: Direction,
    pub author: String,
    pub body: String,
    pub at: Millis,
}

/// Where the next older page starts: strictly before this (time, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineCursor {
    pub before_at: Millis,
    pub before_id: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelinePage {
    /// Oldest first.
    pub entries: Vec<TimelineEntry>,
    /// Present when older entries exist.
    pub older: Option<TimelineCursor>,
}
