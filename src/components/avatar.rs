//! A person's initials in a coloured circle: the customer in the conversation header and on the card. The colour
//! comes from the name, so the same customer keeps the same colour on every screen and every day.

use leptos::prelude::*;

stylance::import_crate_style!(css, "src/components/avatar.module.css");

/// The first letter of the first and of the last word, upper-cased in the name's own script; `?` for
/// an empty name.
pub fn initials(name: &str) -> String {
    let mut words = name.split_whitespace().filter_map(|w| w.chars().find(|c| c.is_alphanumeric()));
    let first = words.next();
    let last = words.next_back();
    let letters: String = first.into_iter().chain(last).flat_map(char::to_uppercase).collect();
    if letters.is_empty() { "?".to_owned() } else { letters }
}

/// A hue for `name`: a stable hash of its characters, spread over the colour wheel.
pub fn hue(name: &str) -> u32 {
    name.chars().fold(0u32, |h, c| h.wrapping_mul(31).wrapping_add(c as u32)) % 360
}

/// Decorative: the name is always written beside it. An empty name (not known, or not yet) is a grey "?".
#[component]
pub fn Avatar(#[prop(into)] name: Signal<String>) -> impl IntoView {
    view! {
        <span class=css::avatar aria-hidden="true" data-testid="avatar"
            style:background-color=move || name.with(|n| {
                if n.trim().is_empty() { "var(--text-muted)".to_owned() } else { format!("hsl({} 45% 32%)", hue(n)) }
            })>
            {move || name.with(|n| initials(n))}
        </span>
    }
}
