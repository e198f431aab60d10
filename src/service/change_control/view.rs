//! Reading change requests: lists, and one request with its draft, sign-offs and the diff
//! against the revision it changes.

use super::{code_of, draft_markdown, load, problems};
use crate::check::Problem;
use crate::domain::ErrorCode;
use crate::domain::change_request::ChangeKind;
use crate::domain::{Action, Actor, Resource, authorize};
use crate::error::{AppError, AppResult};
use crate::markdown::{DocumentDiff, diff_documents};
use crate::service::Services;
use crate::service::ports::{ChangeFilter, ChangeRequestRecord, SignoffRecord};

/// One change request, ready to show.
#[derive(Debug, Clone)]
pub struct ChangeView {
    pub cr: ChangeRequestRecord,
    pub markdown: String,
    pub signoffs: Vec<SignoffRecord>,
    pub diff: DocumentDiff,
    /// Rules of `qms check` the draft breaks now (reference data can change after a save).
    pub problems: Vec<Problem>,
}

/// Who may see a request: the document controller, and the people named on it.
fn may_see(actor: &Actor, cr: &ChangeRequestRecord) -> AppResult<()> {
    let named = cr.author == actor.username
        || cr.reviewers.contains(&actor.username)
        || cr.approver.as_deref() == Some(&actor.username);
    if named || authorize(actor, Action::ManageDocuments, Resource::None).is_ok() {
        Ok(())
    } else {
        Err(AppError::forbidden(ErrorCode::Forbidden, "Bạn không tham gia yêu cầu thay đổi này."))
    }
}

pub fn view(services: &Services, actor: &Actor, id: i32) -> AppResult<ChangeView> {
    let cr = load(services, id)?;
    may_see(actor, &cr)?;
    let markdown = draft_markdown(services, &cr)?;
    let base = match (cr.kind, cr.base_revision) {
        (ChangeKind::Create, _) | (_, None) => String::new(),
        (_, Some(n)) => {
            let revision =
                services.index.revision(&cr.code, n)?.ok_or_else(|| AppError::internal("base revision missing"))?;
            services.store.read_blob(&revision.blob)?
        }
    };
    let from = cr.base_revision.map_or("(chưa có)".into(), |n| format!("{} lần ban hành {n}", cr.code));
    let diff = diff_documents(&base, &markdown, &from, &format!("dự thảo yêu cầu {}", cr.id));
    let problems = problems(services, &code_of(&cr)?, &markdown)?;
    let signoffs = services.changes.signoffs(id)?;
    Ok(ChangeView { cr, markdown, signoffs, diff, problems })
}

/// A page of requests: all of them for the document controller, the ones naming the user otherwise.
pub fn list(
    services: &Services,
    actor: &Actor,
    mut filter: ChangeFilter,
) -> AppResult<(Vec<ChangeRequestRecord>, i64)> {
    if authorize(actor, Action::ManageDocuments, Resource::None).is_err() {
        filter.involving = Some(actor.username.clone());
    }
    Ok(services.changes.change_requests(&filter)?)
}
