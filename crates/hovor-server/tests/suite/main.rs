//! The server's integration tests, one module per area, in one test binary: one link instead of one
//! per file. `common` runs the real router in process on a fresh SQLite file; `binary` starts the
//! built server as a process (restarts, signals, kill -9).

mod binary;
mod common;

mod auth;
mod chat;
mod collaboration;
mod conversations;
mod edge;
mod email;
mod events;
mod process;
mod records;
mod reliability;
mod responses;
mod restart;
mod routing;
mod suggestions;
