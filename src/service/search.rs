//! Searching procedures, and keeping the search index in step with the current revisions.

use super::Services;
use super::ports::{ProcedureFilter, ProcedureRecord, SearchDoc, SearchHit, SearchQuery};
use crate::domain::ErrorCode;
use crate::domain::{Action, Actor, Resource, authorize};
use crate::error::{AppError, AppResult};
use crate::markdown::{outline, plain_text};

/// What the index holds of a procedure: its current revision's title, headings and text.
fn document(services: &Services, p: &ProcedureRecord) -> AppResult<SearchDoc> {
    let revision =
        services.index.revision(&p.code, p.revision)?.ok_or_else(|| AppError::internal("current revision missing"))?;
    let doc = services.documents.get(services.store.as_ref(), &revision.blob)?;
    let body = crate::markdown::split_front_matter(&doc.markdown).map(|(_, b, _)| b).unwrap_or_default();
    let headings: Vec<String> = outline(body).headings().map(|h| h.text.clone()).collect();
    Ok(SearchDoc {
        code: p.code.clone(),
        title: revision.title.clone(),
        field: p.field.clone(),
        kind: p.kind.as_str().into(),
        status: p.status.as_str().into(),
        revision: p.revision,
        headings: headings.join("\n"),
        body: plain_text(body),
    })
}

/// Re-indexes the given procedures, as of the store's current head.
pub fn reindex(services: &Services, codes: &[&str]) -> AppResult<()> {
    let head = services.store.head()?;
    let mut docs = Vec::new();
    for code in codes {
        if let Some(p) = services.index.procedure(code)? {
            docs.push(document(services, &p)?);
        }
    }
    Ok(services.search.upsert(&docs, head.as_deref())?)
}

/// Rebuilds the whole index from the current revisions, a page of procedures at a time (a
/// province's store does not fit in memory as text). Returns how many were indexed.
pub fn rebuild(services: &Services) -> AppResult<usize> {
    let head = services.store.head()?;
    services.search.clear()?;
    let mut filter = ProcedureFilter { limit: 1000, ..Default::default() };
    loop {
        let (page, total) = services.index.procedures(&filter)?;
        let docs = page.iter().map(|p| document(services, p)).collect::<AppResult<Vec<_>>>()?;
        services.search.upsert(&docs, head.as_deref())?;
        filter.offset += page.len() as i64;
        if page.is_empty() || filter.offset >= total {
            break;
        }
    }
    // A rebuild happens at start-up: finish it before serving, not during the first publish.
    services.search.flush()?;
    Ok(filter.offset as usize)
}

/// Rebuilds the index when it does not hold exactly the procedures the catalogue has (a new or
/// damaged index, or commits reconciled from git); otherwise re-indexes the procedures published
/// after the last commit the index recorded (a stop between a publish and its search commit).
/// Returns how many procedures were indexed, if any.
pub fn ensure_complete(services: &Services, force: bool) -> AppResult<Option<usize>> {
    let all = services.index.procedures(&ProcedureFilter { limit: 1, ..Default::default() })?.1;
    if force || services.search.count()? != all as u64 {
        return rebuild(services).map(Some);
    }
    let head = services.store.head()?;
    let marker = services.search.marker()?;
    if marker == head {
        return Ok(None);
    }
    if marker.is_none() {
        // An index from before markers: complete by count; record where it stands.
        services.search.upsert(&[], head.as_deref())?;
        return Ok(None);
    }
    let mut codes: Vec<String> = services
        .store
        .history_since(marker.as_deref())?
        .iter()
        .filter_map(|c| c.trailer(super::trailers::PROCEDURE).map(str::to_owned))
        .collect();
    codes.sort();
    codes.dedup();
    let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    reindex(services, &refs)?;
    Ok(Some(codes.len()))
}

/// Searches current procedures. An empty query finds nothing (400 from the API).
pub fn search(services: &Services, actor: &Actor, query: &SearchQuery) -> AppResult<Vec<SearchHit>> {
    authorize(actor, Action::ReadProcedures, Resource::None)?;
    if query.text.chars().count() > 200 {
        return Err(AppError::bad_request(ErrorCode::QueryTooLong, "Từ khóa tìm kiếm quá dài (tối đa 200 ký tự)."));
    }
    Ok(services.search.search(query)?)
}
