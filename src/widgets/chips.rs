//! The small labelled chips the desk repeats on every screen: a conversation's channel and a tag in
//! the company's colours (task list, header, timeline, popovers, History, session data).

use hovor_types::conversation::Channel;
use hovor_types::session_data::Tag;
use leptos::prelude::*;

use crate::components::icon::{Glyph, Icon};
use crate::i18n::{t, use_i18n};
use crate::state::configured::ConfiguredText;

stylance::import_crate_style!(css, "src/widgets/chips.module.css");

/// The channel as a small labelled badge.
#[component]
pub fn ChannelBadge(channel: Channel) -> impl IntoView {
    let i18n = use_i18n();
    let label = move || match channel {
        Channel::Chat => t!(i18n, channel.chat).into_any(),
        Channel::Email => t!(i18n, channel.email).into_any(),
        Channel::Voice => t!(i18n, channel.voice).into_any(),
    };
    let glyph = match channel {
        Channel::Chat => Glyph::Chat,
        Channel::Email => Glyph::Email,
        Channel::Voice => Glyph::Phone,
    };
    view! { <span class=css::channel data-channel=channel.as_str()><Icon glyph />{label}</span> }
}

/// A tag in its company colours.
#[component]
pub fn TagChip(tag: Tag) -> impl IntoView {
    view! {
        <span class=css::tag data-testid="tag" data-tag=tag.name.clone() style:background=tag.background style:color=tag.text>
            <ConfiguredText text=tag.name.clone() />
        </span>
    }
}
