//! External documents (laws, decrees, decisions): listed, added, and marked superseded. The list
//! is `legal-bases.yaml` in the git store, so every change is a commit; marking a text superseded
//! flags every procedure whose current revision cites it for review.

use super::Services;
use super::change_control::signature;
use super::ports::{CommitRequest, PortError};
use super::reconcile::index_new_commit;
use super::trailers as t;
use crate::check::reference::LEGAL_BASES_FILE;
use crate::domain::ErrorCode;
use crate::domain::event::NewEvent;
use crate::domain::legal_basis::{DOCUMENT_TYPES, LegalBasis, LegalStatus, known_type, to_yaml, valid_key};
use crate::domain::{Action, Actor, Resource, authorize};
use crate::error::{AppError, AppResult};

pub fn list(services: &Services) -> AppResult<Vec<LegalBasis>> {
    super::catalog::legal_bases(services)
}

fn find(list: &[LegalBasis], key: &str) -> AppResult<usize> {
    list.iter()
        .position(|l| l.key == key)
        .ok_or_else(|| AppError::not_found(ErrorCode::LegalBasisNotFound, format!("Không có văn bản {key}.")))
}

fn commit(services: &Services, actor: &Actor, list: &[LegalBasis], subject: &str, event: NewEvent) -> AppResult<()> {
    let head = services.store.head()?;
    let message =
        t::message(subject, "", &[(t::CHANGE, "reference-data".into()), (t::PUBLISHED_BY, actor.display_name.clone())]);
    let request = CommitRequest::published(
        head.clone(),
        vec![(LEGAL_BASES_FILE.into(), to_yaml(list).map_err(AppError::internal)?)],
        message,
        signature(actor),
    );
    let stored = services.store.commit(&request).map_err(|e| match e {
        PortError::Conflict(_) => {
            AppError::conflict(ErrorCode::StaleRevision, "Kho tài liệu vừa thay đổi; hãy thử lại.")
        }
        other => other.into(),
    })?;
    index_new_commit(services, head.as_deref(), &stored, None)?;
    services.events.append_event(&event)?;
    Ok(())
}

/// Adds an external document. 422 for a malformed key or missing text, 409 for a known key.
pub fn add(services: &Services, actor: &Actor, new: LegalBasis) -> AppResult<LegalBasis> {
    authorize(actor, Action::ManageDocuments, Resource::None)?;
    if !valid_key(&new.key) {
        return Err(AppError::unprocessable(
            ErrorCode::InvalidKey,
            "Khóa văn bản gồm chữ in hoa và số, nối bằng dấu gạch ngang, ví dụ ND-123-2015.",
        ));
    }
    if [&new.kind, &new.number, &new.issuer, &new.title].iter().any(|s| s.trim().is_empty()) {
        return Err(AppError::unprocessable(
            ErrorCode::MissingField,
            "Cần đủ loại, số hiệu, cơ quan ban hành và trích yếu.",
        ));
    }
    if !known_type(&new.kind) {
        return Err(AppError::unprocessable(
            ErrorCode::InvalidLegalType,
            format!("Loại văn bản phải là một trong: {}.", DOCUMENT_TYPES.join(", ")),
        ));
    }
    let mut list = list(services)?;
    if list.iter().any(|l| l.key == new.key) {
        return Err(AppError::conflict(ErrorCode::LegalBasisExists, format!("Văn bản {} đã có.", new.key)));
    }
    let added = LegalBasis { status: LegalStatus::InForce, superseded_by: vec![], ..new };
    list.push(added.clone());
    let event =
        NewEvent::now(&actor.username, "legal_basis.add", "legal_basis", &added.key).states(None::<&()>, Some(&added));
    commit(services, actor, &list, &format!("Thêm văn bản {} {}", added.number, added.title), event)?;
    Ok(added)
}

/// Marks `key` superseded by `superseded_by`; returns it and the procedures now flagged.
pub fn supersede(
    services: &Services,
    actor: &Actor,
    key: &str,
    superseded_by: &str,
) -> AppResult<(LegalBasis, Vec<String>)> {
    authorize(actor, Action::ManageDocuments, Resource::None)?;
    let mut list = list(services)?;
    let index = find(&list, key)?;
    if key == superseded_by || !list.iter().any(|l| l.key == superseded_by) {
        return Err(AppError::unprocessable(
            ErrorCode::InvalidSupersededBy,
            format!("Văn bản thay thế {superseded_by} không có trong danh mục."),
        ));
    }
    if list[index].status == LegalStatus::Superseded {
        return Err(AppError::conflict(
            ErrorCode::AlreadySuperseded,
            format!("Văn bản {key} đã được đánh dấu hết hiệu lực."),
        ));
    }
    let before = list[index].clone();
    list[index].status = LegalStatus::Superseded;
    list[index].superseded_by = vec![superseded_by.to_owned()];
    let after = list[index].clone();
    let flagged = services.index.procedures_citing(key)?;
    let event = NewEvent::now(&actor.username, "legal_basis.supersede", "legal_basis", key)
        .states(Some(&before), Some(&after))
        .detail(format!("superseded by {superseded_by}; flagged {}", flagged.join(",")));
    commit(services, actor, &list, &format!("{} hết hiệu lực, thay thế bởi {superseded_by}", before.number), event)?;
    Ok((after, flagged))
}
