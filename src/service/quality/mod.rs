//! Internal audits, nonconformities and corrective actions: the loop from a finding to a verified
//! action, closed through a procedure revision when the fix is a change of the document.

pub mod actions;
pub mod audits;
pub mod checklist;
pub mod nonconformities;
pub mod programme;

use crate::domain::nonconformity::Refused;
use crate::error::AppError;

pub fn refused(r: Refused) -> AppError {
    AppError::conflict(r.code, r.message)
}
