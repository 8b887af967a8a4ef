//! A call's recordings on the conversation's timeline: each row plays in place, and those of a call
//! that ends while on screen join the timeline without reloading it (a note being typed and the scroll
//! position stay).

use hovor_types::Millis;
use hovor_types::message::Direction;
use hovor_types::timeline::{EntryKind, TimelineEntry};
use leptos::prelude::*;

use crate::api::voice as voice_api;
use crate::format;
use crate::i18n::{t_string, use_i18n};
use crate::state::conversation::OpenConversation;

stylance::import_crate_style!(css, "src/features/call/recordings.module.css");

/// The timeline row's player, labelled with when the recording started.
#[component]
pub fn Player(id: i64, at: Millis) -> impl IntoView {
    let i18n = use_i18n();
    let label = move || {
        t_string!(i18n, call.recording_of, time = format::date_time(i18n.get_locale(), at)).to_string()
    };
    view! {
        <span class=css::label>{label}</span>
        <audio class=css::player controls preload="none" src=voice_api::recording_audio_path(id) aria-label=label></audio>
    }
}

pub async fn add_to_timeline(open: OpenConversation) {
    let Ok(recordings) = voice_api::recordings(open.id).await else { return };
    // The agent may have moved on meanwhile: a conversation no longer on screen takes nothing.
    open.entries.try_update(|entries| {
        for r in recordings {
            let key = EntryKind::Recording.key(r.id);
            if entries.iter().any(|e| e.key == key) {
                continue;
            }
            entries.push(TimelineEntry {
                id: r.id,
                kind: EntryKind::Recording,
                key,
                conversation_id: open.id,
                channel: hovor_types::conversation::Channel::Voice,
                interaction_started_at: r.started_at,
                direction: Direction::Outbound,
                author: String::new(),
                body: String::new(),
                at: r.started_at,
            });
        }
        entries.sort_by_key(|e| (e.at, e.key));
    });
}
