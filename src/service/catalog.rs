//! Reading the catalogue: fields, procedure lists, a procedure's current or older revision, its
//! revision history. Every read comes from the index and the render cache; none walks git history.

use std::sync::Arc;

use super::Services;
use super::documents::RenderedDocument;
use super::ports::{FieldCount, ProcedureFilter, ProcedureRecord, REFERENCE_VERSION, RevisionRecord};
use crate::check::Reference;
use crate::domain::ErrorCode;
use crate::domain::procedure::RevisionStanding;
use crate::domain::{ProcedureCode, RevisionNumber};
use crate::error::{AppError, AppResult};

/// A procedure at one revision, ready to show.
#[derive(Debug, Clone)]
pub struct ProcedureView {
    pub procedure: ProcedureRecord,
    pub revision: RevisionRecord,
    pub document: Arc<RenderedDocument>,
    pub standing: RevisionStanding,
}

/// The fields with their procedure counts. Cached per head of the published branch: every
/// change to them is a commit, so a new head (from this process or another) refreshes them.
pub fn fields(services: &Services) -> AppResult<Vec<FieldCount>> {
    let snapshot = reference(services)?;
    if let Some(counted) = snapshot.counts.get() {
        return Ok(counted.clone());
    }
    let counts = services.index.field_counts()?;
    let counted = snapshot
        .data
        .fields
        .iter()
        .map(|f| FieldCount { field: f.clone(), procedures: counts.get(&f.code).copied().unwrap_or(0) })
        .collect();
    Ok(snapshot.counts.get_or_init(|| counted).clone())
}

/// The external documents, cached like the fields.
pub fn legal_bases(services: &Services) -> AppResult<Vec<crate::domain::legal_basis::LegalBasis>> {
    Ok(reference(services)?.data.legal_bases.clone())
}

/// Fields and legal bases as of the current head, shared rather than copied (for hot pages).
/// When the head moves, the field counts are read again; the fields and legal bases (and the
/// sets of their codes a draft is checked against) only if the reference data was replaced
/// meanwhile: a publish checks its draft against them, and reading or copying them again for
/// every publish cost it more the more fields there are.
pub fn reference(services: &Services) -> AppResult<super::ReferenceSnapshot> {
    let head = services.store.head()?.unwrap_or_default();
    let mut cached = services.reference.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(snapshot) = cached.as_ref().filter(|s| s.head == head) {
        return Ok(snapshot.clone());
    }
    let version = services.index.meta(REFERENCE_VERSION)?;
    let data = match cached.as_ref().filter(|s| s.version == version) {
        Some(kept) => kept.data.clone(),
        None => Arc::new(Reference::of(services.index.field_list()?, services.index.legal_bases()?)),
    };
    let snapshot = super::ReferenceSnapshot { head, version, data, counts: Default::default() };
    *cached = Some(snapshot.clone());
    Ok(snapshot)
}

/// 422 `unknown_field` for the first of `fields` that is not a field of the QMS (an account's or
/// an audit's scope).
pub fn require_known_fields(services: &Services, fields: &[String]) -> AppResult<()> {
    let reference = reference(services)?;
    match fields.iter().find(|f| !reference.data.field_codes.contains(*f)) {
        Some(unknown) => {
            Err(AppError::unprocessable(ErrorCode::UnknownField, format!("Lĩnh vực {unknown} không tồn tại.")))
        }
        None => Ok(()),
    }
}

/// A page of procedures and the total matching the filter.
pub fn procedures(services: &Services, filter: &ProcedureFilter) -> AppResult<(Vec<ProcedureRecord>, i64)> {
    Ok(services.index.procedures(filter)?)
}

/// The procedure record, or 404 for an unknown or malformed code.
pub fn procedure_record(services: &Services, code: &str) -> AppResult<ProcedureRecord> {
    let code = ProcedureCode::parse(code).ok_or_else(|| AppError::procedure_not_found(code))?;
    services.index.procedure(code.as_str())?.ok_or_else(|| AppError::procedure_not_found(code.as_str()))
}

/// The current revision of a procedure.
pub fn current(services: &Services, code: &str) -> AppResult<ProcedureView> {
    let procedure = procedure_record(services, code)?;
    let revision = procedure.revision;
    view(services, procedure, revision)
}

/// Any published revision of a procedure.
pub fn at_revision(services: &Services, code: &str, revision: RevisionNumber) -> AppResult<ProcedureView> {
    let procedure = procedure_record(services, code)?;
    view(services, procedure, revision)
}

fn view(services: &Services, procedure: ProcedureRecord, number: RevisionNumber) -> AppResult<ProcedureView> {
    let revision = services.index.revision(&procedure.code, number)?.ok_or_else(|| {
        AppError::not_found(
            ErrorCode::RevisionNotFound,
            format!("Quy trình {} không có lần ban hành {number}.", procedure.code),
        )
    })?;
    let document = services.documents.get(services.store.as_ref(), &revision.blob)?;
    let standing = RevisionStanding::of(number, procedure.revision, procedure.status);
    Ok(ProcedureView { procedure, revision, document, standing })
}

/// `limit` revisions of a procedure from `offset` on, newest first, and how many it has: one
/// revised for years has hundreds, and a page of them costs the same at any length.
pub fn revisions(services: &Services, code: &str, limit: i64, offset: i64) -> AppResult<(Vec<RevisionRecord>, i64)> {
    let procedure = procedure_record(services, code)?;
    Ok(services.index.revisions_page(&procedure.code, limit, offset)?)
}

/// What changed between two published revisions of a procedure.
pub fn diff(
    services: &Services,
    code: &str,
    from: RevisionNumber,
    to: RevisionNumber,
) -> AppResult<crate::markdown::DocumentDiff> {
    let old = at_revision(services, code, from)?;
    let new = at_revision(services, code, to)?;
    Ok(crate::markdown::diff_documents(
        &old.document.markdown,
        &new.document.markdown,
        &format!("{} lần ban hành {from}", old.procedure.code),
        &format!("{} lần ban hành {to}", new.procedure.code),
    ))
}

/// Every (procedure, legal basis) pair where a current revision cites a superseded text.
pub fn citing_superseded(services: &Services) -> AppResult<Vec<(String, String)>> {
    Ok(services.index.citing_superseded()?)
}
