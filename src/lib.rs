//! Hovor's agent desktop: a Leptos single-page app compiled to WebAssembly.

mod api;
mod app;
pub mod components;
mod features;
pub mod format;
mod pages;
mod state;
mod widgets;

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

/// Starts the app in the page's `<body>`.
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
    // The pages' stylesheet came beside the start without holding it up (scripts/build-shell.mjs).
    if let Some(sheet) = leptos::prelude::document().get_element_by_id("page-styles") {
        let _ = sheet.set_attribute("media", "all");
    }
    components::first_paint::reveal_at_the_latest();
}
