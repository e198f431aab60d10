//! The database adapter: one diesel connection type over SQLite (embedded, the default) and
//! PostgreSQL, chosen from the URL scheme. Backend-specific SQL stays inside this module.

mod audits;
mod changes;
mod connection;
mod events;
mod index;
mod nonconformities;
mod organisations;
mod publication;
mod reviews;
mod rows;
pub mod schema;
mod users;

pub use connection::{Backend, Db, DbConn, OrgDb};
