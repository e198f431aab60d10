//! Rebuilding the revision index from git. Git is the record; the database only mirrors it, so
//! after a crash, a restore or a deleted database, replaying the published branch brings the index
//! back with the same revisions and commits. Only commits not yet indexed are read.

use super::Services;
use super::ports::{IndexedCommit, ProcedureRecord, Publication, RevisionRecord, StoredCommit};
use super::trailers as t;
use crate::check::reference::{FIELDS_FILE, LEGAL_BASES_FILE};
use crate::domain::event::NewEvent;
use crate::domain::field::Field;
use crate::domain::legal_basis::LegalBasis;
use crate::domain::procedure::review_due;
use crate::domain::{ProcedureCode, ProcedureStatus};
use crate::error::{AppError, AppResult};

/// The meta key holding the last commit the index has seen.
const RECONCILED_HEAD: &str = "reconciled_head";

/// What a reconcile did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reconciled {
    pub commits_read: usize,
}

/// Indexes every commit of the published branch the database has not seen yet.
pub fn reconcile(services: &Services) -> AppResult<Reconciled> {
    let since = services.index.meta(RECONCILED_HEAD)?;
    let commits = services.store.history_since(since.as_deref())?;
    for commit in &commits {
        // A publish interrupted between git and the database is completed here; say so in the log.
        let recovered = commit.trailer(t::CHANGE_REQUEST).map(|id| {
            NewEvent::now("qms", "procedure.publish.recovered", "change_request", id).detail(commit.commit.clone())
        });
        index_commit(services, commit, recovered.as_ref())?;
    }
    if let Some(last) = commits.last() {
        services.index.set_meta(RECONCILED_HEAD, &last.commit)?;
    }
    Ok(Reconciled { commits_read: commits.len() })
}

/// Indexes `commit`, which this process just made on top of `parent` on the published branch, and
/// moves the reconcile marker from `parent` to it, so the next start does not read it again.
pub fn index_new_commit(
    services: &Services,
    parent: Option<&str>,
    commit: &StoredCommit,
    event: Option<&NewEvent>,
) -> AppResult<()> {
    index_commit(services, commit, event)?;
    move_marker(services, parent, &commit.commit);
    Ok(())
}

/// Moves the reconcile marker from `parent` to `commit`, which was just made on top of it and
/// indexed, so the next start does not read it again: without this every start re-read every
/// commit published since the start before, and rebuilt the whole search index because of it
/// (minutes at 100,000 procedures). The marker moves only if it stood at `parent`: otherwise a
/// commit before this one may not be indexed yet (a publish interrupted in another process),
/// and the next start reads on from where the marker stands, as before. The commit is published
/// and indexed either way, so a database failure here is logged, not reported to the caller: the
/// marker left behind only makes the next start read the commit again, which changes nothing.
fn move_marker(services: &Services, parent: Option<&str>, commit: &str) {
    if let Err(e) = services.index.advance_meta(RECONCILED_HEAD, parent, commit) {
        log::warn!("the reconcile marker stays before {commit}: {e}");
    }
}

/// Records what one commit of the published branch changed: reference data or a revision, with
/// `event` (none when rebuilding the index from git).
fn index_commit(services: &Services, commit: &StoredCommit, event: Option<&NewEvent>) -> AppResult<()> {
    if commit.trailer(t::CHANGE) == Some("reference-data") {
        let (fields, _) = services.store.read_file(&commit.commit, FIELDS_FILE)?;
        let (legal, _) = services.store.read_file(&commit.commit, LEGAL_BASES_FILE)?;
        let fields: Vec<Field> = serde_saphyr::from_str(&fields).map_err(AppError::internal)?;
        let legal: Vec<LegalBasis> = serde_saphyr::from_str(&legal).map_err(AppError::internal)?;
        services.index.replace_reference(&fields, &legal)?;
        return Ok(());
    }
    let Some(code) = commit.trailer(t::PROCEDURE).and_then(ProcedureCode::parse) else {
        return Ok(());
    };
    let retired = commit.trailer(t::CHANGE) == Some("retire");
    // A retired procedure's file moves out of its field folder, unchanged.
    let path = if retired { code.obsolete_path() } else { code.path() };
    let (markdown, blob) = services.store.read_file(&commit.commit, &path)?;
    let doc = services.documents.load(&blob, || Ok(markdown))?;
    let front = &doc.front;
    let revision = front.revision as i32;
    let procedure = ProcedureRecord {
        code: code.to_string(),
        title: front.title.clone(),
        field: front.field.clone(),
        kind: front.kind,
        status: if retired { ProcedureStatus::Obsolete } else { ProcedureStatus::Effective },
        revision,
        effective_date: front.effective_date,
        review_interval_months: front.review_interval_months as i32,
        review_due: review_due(front.effective_date, front.review_interval_months),
        owner: front.owner.clone(),
    };
    let person = |key| commit.trailer(key).map(str::to_owned);
    let record = (!retired).then(|| RevisionRecord {
        code: code.to_string(),
        revision,
        commit: commit.commit.clone(),
        blob,
        title: front.title.clone(),
        effective_date: front.effective_date,
        summary: person(t::SUMMARY).unwrap_or_else(|| "Ban hành lần đầu".into()),
        prepared_by: person(t::PREPARED_BY),
        reviewed_by: person(t::REVIEWED_BY),
        approved_by: person(t::APPROVED_BY),
        published_by: person(t::PUBLISHED_BY).unwrap_or_else(|| "qms".into()),
        published_at: commit.time,
    });
    let publication = commit.trailer(t::CHANGE_REQUEST).and_then(|id| id.parse().ok()).map(|id| Publication {
        change_request: id,
        revision,
        commit: commit.commit.clone(),
    });
    let indexed = IndexedCommit { procedure, revision: record, cites: front.legal_basis.clone() };
    services.index.record_revision(&indexed, publication.as_ref(), event)?;
    Ok(())
}
