//! The server's integration tests, one module per area, in one test binary: one link instead of one
//! per file. `common` runs the real router in process on a fresh database (`database`: SQLite, or PostgreSQL
//! when `HOVOR_TEST_POSTGRES` is set); `binary` starts the
//! built server as a process (restarts, signals, kill -9).

mod binary;
mod common;
mod database;

mod auth;
mod call_data;
mod callbacks;
mod calls;
mod chat;
mod cluster_calls;
mod collaboration;
mod conversations;
mod edge;
mod email;
mod embed;
mod events;
mod feedback;
mod first_paint;
mod listings;
mod monitoring;
mod process;
mod records;
mod reliability;
mod responses;
mod restart;
mod retention;
mod routing;
mod scale;
mod suggestions;
mod suggestions_eval;
mod supervisor;
mod translations;
mod voice;
