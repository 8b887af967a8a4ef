//! The desk's icons: one small set of inline SVG glyphs on a 24-unit grid, stroked in the text's
//! colour, so they follow the theme and cost no download. They are decorative: the control they sit
//! in always carries its name as text or `aria-label`.

use leptos::prelude::*;

stylance::import_crate_style!(css, "src/components/icon.module.css");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Glyph {
    Chat,
    Email,
    Phone,
    Keyboard,
    SignOut,
    Transfer,
    End,
    Send,
    Edit,
    More,
    Lock,
    /// A recording runs: a dot in a ring.
    Record,
    /// A callback: a handset with an arrow back.
    Callback,
    /// Show the detail.
    Eye,
}

impl Glyph {
    /// The glyph's outline: one path, drawn with round joins.
    fn path(self) -> &'static str {
        match self {
            Glyph::Chat => "M4 5h16v11H10l-6 4z",
            Glyph::Email => "M3 6h18v12H3z M3 7l9 6 9-6",
            Glyph::Phone => {
                "M6 3h3l2 5-2.5 1.5a12 12 0 0 0 6 6L16 13l5 2v3a2 2 0 0 1-2 2A17 17 0 0 1 4 5a2 2 0 0 1 2-2z"
            }
            Glyph::Callback => {
                "M6 3h3l2 5-2.5 1.5a12 12 0 0 0 6 6L16 13l5 2v3a2 2 0 0 1-2 2A17 17 0 0 1 4 5a2 2 0 0 1 2-2z M15 3h6v6 M21 3l-6 6"
            }
            Glyph::Keyboard => "M2 6h20v12H2z M6 10h1 M10 10h1 M14 10h1 M18 10h1 M7 14h10",
            Glyph::SignOut => "M10 20H5V4h5 M15 16l4-4-4-4 M19 12H9",
            Glyph::Transfer => "M4 12h15 M13 6l6 6-6 6",
            Glyph::End => "M6 6l12 12 M18 6L6 18",
            Glyph::Send => "M4 12l16-8-5 16-3-7z M12 13l8-9",
            Glyph::Edit => "M4 20h4L19 9l-4-4L4 16z M13 7l4 4",
            Glyph::More => "M5 12h1 M11.5 12h1 M18 12h1",
            Glyph::Lock => "M6 11h12v9H6z M8 11V8a4 4 0 0 1 8 0v3",
            Glyph::Record => "M12 4a8 8 0 1 0 0.01 0z M12 10a2 2 0 1 0 0.01 0z",
            Glyph::Eye => "M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12z M12 9a3 3 0 1 0 0.01 0z",
        }
    }
}

/// One glyph, 1.1 em square, aligned with the text beside it.
#[component]
pub fn Icon(glyph: Glyph) -> impl IntoView {
    view! {
        <svg class=css::icon viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d=glyph.path() />
        </svg>
    }
}
