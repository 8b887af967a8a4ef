//! The timeline (D365): the linked record's messages, notes, case changes and interactions on one time
//! line, read a page at a time from the newest end. Related records switch between contact, account
//! and case.

use serde::{Deserialize, Serialize};

use crate::Millis;
use crate::conversation::Channel;
use crate::message::Direction;

/// Rows per timeline page unless the client asks otherwise; at most [`TIMELINE_MAX_PAGE`].
pub const TIMELINE_PAGE: u32 = 50;
pub const TIMELINE_MAX_PAGE: u32 = 200;

crate::string_enum! {
    pub enum EntryKind {
        Message = "message",
        Note = "note",
        /// A case field changed (from the audit trail).
        CaseChange = "case_change",
        /// An interaction started.
        Interaction = "interaction",
        /// A call's recording, played in the row.
        Recording = "recording",
        /// A callback agreed in an interaction: its window (and assignee) as the body.
        Callback = "callback",
    }
}

impl EntryKind {
    /// Orders entries of different kinds written in the same millisecond, and makes [`TimelineEntry::key`] unique.
    pub fn rank(self) -> i64 {
        match self {
            EntryKind::Interaction => 0,
            EntryKind::Message => 1,
            EntryKind::Note => 2,
            EntryKind::CaseChange => 3,
            EntryKind::Recording => 4,
            EntryKind::Callback => 5,
        }
    }

    /// How many kinds [`TimelineEntry::key`] tells apart: `key = id * KEY_KINDS + rank`.
    pub const KEY_KINDS: i64 = 8;

    /// The [`TimelineEntry::key`] of this kind's row `id`.
    pub fn key(self, id: i64) -> i64 {
        id * Self::KEY_KINDS + self.rank()
    }
}

crate::string_enum! {
    /// Which linked record the timeline follows.
    pub enum RelatedRecord {
        Contact = "contact",
        Account = "account",
        Case = "case",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    /// The row id within its kind (a message's id for messages).
    pub id: i64,
    pub kind: EntryKind,
    /// `id * EntryKind::KEY_KINDS + kind rank`: unique across kinds; pages are cut at (at, key).
    pub key: i64,
    pub conversation_id: i64,
    pub channel: Channel,
    /// When the entry's interaction started: the app draws a separator where it changes.
    pub interaction_started_at: Millis,
    /// Messages: who wrote it. Other kinds: outbound.
    pub direction: Direction,
    pub author: String,
    /// A message's or note's text; a case change's "field: old → new"; an interaction's queue; empty
    /// for a recording (`id` is the recording's, played at `/api/recordings/{id}/audio`); a callback's
    /// window in the customer's zone, then its assignee (`2026-12-07 14:00–15:00 Europe/Prague · Eva`).
    pub body: String,
    pub at: Millis,
}

/// Where the next older page starts: strictly before this (time, key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineCursor {
    pub before_at: Millis,
    pub before_key: i64,
}

/// A quick note from the conversation on the selected related record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewNote {
    pub record: RelatedRecord,
    pub body: String,
}

/// The records the Related records selector offers for a conversation, with their names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelatedRecords {
    pub contact: Option<String>,
    pub account: Option<String>,
    pub case: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelinePage {
    /// Oldest first.
    pub entries: Vec<TimelineEntry>,
    /// Present when older entries exist.
    pub older: Option<TimelineCursor>,
    pub related: RelatedRecords,
    /// The record this page follows.
    pub record: Option<RelatedRecord>,
}
