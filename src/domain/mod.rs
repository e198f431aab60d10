//! The domain: pure Rust types, rules and lifecycles. Nothing here knows about HTTP, SQL or git.

pub mod audit;
pub mod calendar;
pub mod change_request;
pub mod code;
pub mod error_code;
pub mod event;
pub mod field;
pub mod front_matter;
pub mod legal_basis;
pub mod merge;
pub mod nonconformity;
pub mod organisation;
pub mod password;
pub mod permission;
pub mod procedure;
pub mod processing_time;
pub mod role;
pub mod throttle;

pub use code::{FieldCode, ProcedureCode};
pub use error_code::ErrorCode;
pub use front_matter::{FrontMatter, ProcedureKind, ProcessingTime};
pub use permission::{Action, Actor, Resource, authorize};
pub use procedure::{ProcedureStatus, RevisionNumber};
pub use role::Role;
