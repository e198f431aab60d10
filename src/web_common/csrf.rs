//! CSRF tokens: a page's forms carry one derived from the session, and a script calling the API
//! with the session cookie sends it in `X-CSRF-Token`.

use sha2::{Digest, Sha256};

/// The CSRF token of a signed-in session.
pub fn csrf_for_session(token: &str) -> String {
    let digest = Sha256::digest(format!("qms-csrf:{token}").as_bytes());
    hex::encode(&digest[..16])
}

/// Compares a token sent with the expected one in time that does not depend on where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    subtle::ConstantTimeEq::ct_eq(a, b).into()
}
