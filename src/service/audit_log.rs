//! Verifying the event log's hash chain from the first entry to the last.

use super::Services;
use crate::domain::event::{BrokenLink, GENESIS, check_link};
use crate::error::AppResult;

/// The outcome of a verification: how many entries were checked, and the first broken link.
#[derive(Debug, PartialEq, Eq)]
pub struct Verification {
    pub checked: usize,
    pub broken: Option<BrokenLink>,
}

/// Walks the whole log in id order, in batches, recomputing every hash.
pub fn verify(services: &Services) -> AppResult<Verification> {
    let mut prev_hash = GENESIS.to_owned();
    let mut after = 0;
    let mut checked = 0;
    loop {
        let batch = services.events.events_after(after, 1000)?;
        let Some(last) = batch.last() else {
            return Ok(Verification { checked, broken: None });
        };
        after = last.id;
        for e in &batch {
            if let Err(broken) = check_link(e, &prev_hash) {
                return Ok(Verification { checked, broken: Some(broken) });
            }
            prev_hash = e.hash.clone();
            checked += 1;
        }
    }
}
