//! One module per pane of the desk.

pub mod case;
pub mod connection_status;
pub mod conversation;
pub mod customer_card;
pub mod suggestions;
pub mod summary;
pub mod task_list;
