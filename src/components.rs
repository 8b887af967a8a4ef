//! Domain-free building blocks.

pub mod avatar;
pub mod first_paint;
pub mod form;
pub mod icon;
pub mod language_select;
pub mod later;
pub mod lazy;
pub mod menu;
pub mod pane;
pub mod strings;
pub mod tabs;
pub mod typed;
pub mod window;
