//! The ports the use cases talk to. `db` and `store` implement them; tests can use fakes.

mod changes;
mod events;
mod index;
mod organisations;
mod quality;
mod search;
mod store;
mod users;

pub use changes::*;
pub use events::*;
pub use index::*;
pub use organisations::*;
pub use quality::*;
pub use search::*;
pub use store::*;
pub use users::*;

/// A failure of an adapter. `Conflict` means a concurrent writer won (compare-and-swap lost);
/// everything else is an infrastructure failure the caller cannot fix by changing its request.
#[derive(Debug, thiserror::Error)]
pub enum PortError {
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("{0}")]
    Failure(String),
}

pub type PortResult<T> = Result<T, PortError>;
