//! One module per pane of the desk.

pub mod activities;
pub mod agent_status;
pub mod call;
pub mod call_settings;
pub mod callbacks;
pub mod case;
pub mod collaboration;
pub mod connection_status;
pub mod conversation;
pub mod customer_card;
pub mod email;
pub mod host_api;
pub mod keyboard;
pub mod library;
pub mod popovers;
pub mod records;
pub mod responses;
pub mod session_data;
pub mod side_panel;
pub mod suggestions;
pub mod summary;
pub mod supervision;
pub mod supervisor;
pub mod task_list;
pub mod transfer;
pub mod wrap_up;
