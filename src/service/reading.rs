//! What a procedure's page shows, kept in memory between writes.
//!
//! Reading the current revision is what staff do all day, so a page's data (the procedure, the
//! revision and its rendered document, the revision list, the reference data) is shared by every
//! reader, and whether the reader acknowledged it is kept per reader. Both are kept until this
//! process next writes to the database: everything a page shows changes only by such a write (a
//! publish, a withdrawal, an acknowledgement, a new legal basis). A change made by another process
//! sharing the database (a second instance on PostgreSQL, a `qms` command) shows within
//! [`ReadingCache::TTL`].

use std::sync::Arc;
use std::time::Duration;

use moka::sync::Cache;

use super::catalog::{self, ProcedureView};
use super::ports::RevisionRecord;
use super::{ReferenceSnapshot, Services};
use crate::domain::RevisionNumber;
use crate::domain::legal_basis::LegalStatus;
use crate::domain::organisation::OrgId;
use crate::error::AppResult;

/// A procedure at one revision with everything its page shows, the same for every reader.
pub struct ProcedureReading {
    pub view: ProcedureView,
    /// Every revision, newest first.
    pub revisions: Vec<RevisionRecord>,
    pub reference: ReferenceSnapshot,
}

impl ProcedureReading {
    /// The name of the procedure's field in `lang` (its code if the field is unknown).
    pub fn field_name(&self, lang: &str) -> &str {
        let code = &self.view.procedure.field;
        self.reference.data.fields.iter().find(|f| f.code == *code).map_or(code.as_str(), |f| f.name(lang))
    }

    /// The superseded legal bases this revision cites.
    pub fn flagged(&self) -> Vec<String> {
        let superseded = |key: &String| {
            self.reference.data.legal_bases.iter().any(|l| l.key == *key && l.status == LegalStatus::Superseded)
        };
        self.view.document.front.legal_basis.iter().filter(|k| superseded(k)).cloned().collect()
    }
}

/// A page's data for one reader.
pub struct Reading {
    pub procedure: Arc<ProcedureReading>,
    /// Whether the reader acknowledged this revision.
    pub acknowledged: bool,
}

/// Organisation, requested code and revision (`None`: the current one).
type PageKey = (OrgId, String, Option<RevisionNumber>);
/// Organisation, reader, canonical code, revision.
type AcknowledgementKey = (OrgId, String, String, RevisionNumber);

/// Entries carry the write count they were read at; a later write makes them stale. One cache
/// serves every organisation of the deployment (keyed by it), so a province of 150 units holds
/// one cache's bookkeeping, not 150.
#[derive(Clone)]
pub struct ReadingCache {
    procedures: Cache<PageKey, (u64, Arc<ProcedureReading>)>,
    acknowledged: Cache<AcknowledgementKey, (u64, bool)>,
}

impl Default for ReadingCache {
    fn default() -> Self {
        Self {
            procedures: Cache::builder().max_capacity(2_000).time_to_live(Self::TTL).build(),
            acknowledged: Cache::builder().max_capacity(50_000).time_to_live(Self::TTL).build(),
        }
    }
}

impl ReadingCache {
    /// How long an entry is trusted when nothing in this process has written since.
    pub const TTL: Duration = Duration::from_secs(2);
}

/// The page's data from memory alone, or `None` when anything must be read (the caller then
/// calls [`load`] where blocking is allowed).
pub fn cached(s: &Services, code: &str, revision: Option<RevisionNumber>, username: &str) -> Option<Reading> {
    let writes = s.index.writes();
    let procedure = cached_procedure(s, code, revision)?;
    let key = (s.org.id, username.to_owned(), procedure.view.procedure.code.clone(), procedure.view.revision.revision);
    let (acknowledged_at, acknowledged) = s.reading.acknowledged.get(&key)?;
    (acknowledged_at == writes).then_some(Reading { procedure, acknowledged })
}

/// A procedure's shared data (what every reader gets) from memory alone, or `None` when it must be
/// read: the API's answer for the current revision comes from the same entries as the page.
pub fn cached_procedure(s: &Services, code: &str, revision: Option<RevisionNumber>) -> Option<Arc<ProcedureReading>> {
    let (at, procedure) = s.reading.procedures.get(&(s.org.id, code.to_owned(), revision))?;
    (at == s.index.writes()).then_some(procedure)
}

/// A procedure's shared data, from memory where still current, otherwise read and remembered.
pub fn load_procedure(s: &Services, code: &str, revision: Option<RevisionNumber>) -> AppResult<Arc<ProcedureReading>> {
    let writes = s.index.writes();
    let page_key = (s.org.id, code.to_owned(), revision);
    if let Some((_, procedure)) = s.reading.procedures.get(&page_key).filter(|(at, _)| *at == writes) {
        return Ok(procedure);
    }
    let procedure = Arc::new(read_procedure(s, code, revision)?);
    s.reading.procedures.insert(page_key, (writes, procedure.clone()));
    Ok(procedure)
}

/// The page's data, from memory where still current, otherwise read and remembered.
pub fn load(s: &Services, code: &str, revision: Option<RevisionNumber>, username: &str) -> AppResult<Reading> {
    // Taken before reading: a write that lands meanwhile leaves what is read here already stale.
    let writes = s.index.writes();
    let cache = &s.reading;
    let procedure = load_procedure(s, code, revision)?;
    let (code, number) = (&procedure.view.procedure.code, procedure.view.revision.revision);
    let key = (s.org.id, username.to_owned(), code.clone(), number);
    let acknowledged = match cache.acknowledged.get(&key).filter(|(at, _)| *at == writes) {
        Some((_, acknowledged)) => acknowledged,
        None => {
            let acknowledged = s.index.has_acknowledged(code, number, username)?;
            cache.acknowledged.insert(key, (writes, acknowledged));
            acknowledged
        }
    };
    Ok(Reading { procedure, acknowledged })
}

fn read_procedure(s: &Services, code: &str, revision: Option<RevisionNumber>) -> AppResult<ProcedureReading> {
    let view = match revision {
        Some(n) => catalog::at_revision(s, code, n)?,
        None => catalog::current(s, code)?,
    };
    let revisions = s.index.revisions(&view.procedure.code)?;
    let reference = catalog::reference(s)?;
    Ok(ProcedureReading { view, revisions, reference })
}
