//! Standard responses at the desk: inserting one (placeholders filled, fill-in fields asked for), the
//! `#` list in the composer and the Resources pane (Find, favourites, Select category).

pub mod hash;
pub mod insert;
pub mod resources;
