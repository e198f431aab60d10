//! Read-and-understood: staff acknowledge a new revision; the secretary sees who has not yet.

use chrono::NaiveDateTime;

use super::Services;
use super::catalog::procedure_record;
use crate::domain::ErrorCode;
use crate::domain::event::NewEvent;
use crate::domain::{Action, Actor, ProcedureStatus, Resource, RevisionNumber, authorize};
use crate::error::{AppError, AppResult};

/// Records that `actor` read and understood `revision`, which must be the current one.
/// Returns when it was recorded (the first time) and whether this call recorded it.
pub fn acknowledge(services: &Services, actor: &Actor, code: &str, revision: RevisionNumber) -> AppResult<bool> {
    authorize(actor, Action::Acknowledge, Resource::None)?;
    let procedure = procedure_record(services, code)?;
    if procedure.status != ProcedureStatus::Effective || procedure.revision != revision {
        return Err(AppError::conflict(
            ErrorCode::NotCurrentRevision,
            format!("Chỉ xác nhận đã đọc phiên bản hiện hành (lần ban hành {}).", procedure.revision),
        ));
    }
    let event = NewEvent::now(&actor.username, "procedure.acknowledge", "procedure", &procedure.code)
        .detail(format!("revision {revision}"));
    Ok(services.index.acknowledge(&procedure.code, revision, &actor.username, &event)?)
}

/// Who acknowledged a revision and who, among the people it concerns, has not yet.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AcknowledgementStatus {
    pub code: String,
    pub revision: RevisionNumber,
    pub acknowledged: Vec<Reader>,
    pub pending: Vec<Reader>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Reader {
    pub username: String,
    pub display_name: String,
    pub acknowledged_at: Option<NaiveDateTime>,
}

/// A revision concerns the users of its field; system procedures, and users with no field, concern everyone.
pub fn status(
    services: &Services,
    actor: &Actor,
    code: &str,
    revision: Option<RevisionNumber>,
) -> AppResult<AcknowledgementStatus> {
    authorize(actor, Action::ManageDocuments, Resource::None)?;
    let procedure = procedure_record(services, code)?;
    let revision = revision.unwrap_or(procedure.revision);
    let done = services.index.acknowledgements(&procedure.code, revision)?;
    let mut acknowledged = Vec::new();
    let mut pending = Vec::new();
    for user in services.users.users()?.into_iter().filter(|u| u.active) {
        let concerned = procedure.field == "HT" || user.fields.is_empty() || user.fields.contains(&procedure.field);
        let at = done.iter().find(|(name, _)| *name == user.username).map(|(_, at)| *at);
        let reader = Reader { username: user.username, display_name: user.display_name, acknowledged_at: at };
        match (at, concerned) {
            (Some(_), _) => acknowledged.push(reader),
            (None, true) => pending.push(reader),
            (None, false) => {}
        }
    }
    Ok(AcknowledgementStatus { code: procedure.code, revision, acknowledged, pending })
}
