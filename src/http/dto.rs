//! Request and response bodies of the API, kept apart from the domain so the contract in API.md
//! changes only on purpose.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::ErrorCode;
use crate::domain::{ProcedureKind, ProcedureStatus};
use crate::error::{AppError, AppResult};
use crate::service::catalog::ProcedureView;
use crate::service::ports::{FieldCount, ProcedureFilter, ProcedureRecord, RevisionRecord, UserRecord};

/// `{"items": [...], "total": N}`
#[derive(Serialize)]
pub struct List<T> {
    pub items: Vec<T>,
    pub total: i64,
}

/// `?limit=` (default 50, at most 500) and `?offset=`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Page {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl Page {
    pub fn bounds(&self) -> AppResult<(i64, i64)> {
        let limit = self.limit.unwrap_or(50);
        let offset = self.offset.unwrap_or(0);
        if limit < 1 || offset < 0 {
            return Err(AppError::bad_request(ErrorCode::InvalidQuery, "limit phải ≥ 1 và offset phải ≥ 0."));
        }
        Ok((limit.min(500), offset))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcedureQuery {
    pub field: Option<String>,
    pub kind: Option<String>,
    pub status: Option<String>,
    pub q: Option<String>,
    /// Only procedures whose periodic review is due (an addition to API.md).
    pub due_for_review: Option<bool>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl ProcedureQuery {
    pub fn filter(&self) -> AppResult<ProcedureFilter> {
        let (limit, offset) = Page { limit: self.limit, offset: self.offset }.bounds()?;
        let kind = match self.kind.as_deref() {
            None | Some("") => None,
            Some(k) => Some(ProcedureKind::parse(k).ok_or_else(|| {
                AppError::bad_request(ErrorCode::InvalidQuery, "kind phải là mandatory hoặc operational.")
            })?),
        };
        let status = match self.status.as_deref() {
            // Effective procedures unless a status, or `all`, is asked for.
            None | Some("") => Some(ProcedureStatus::Effective),
            Some("all") => None,
            Some(s) => Some(ProcedureStatus::parse(s).ok_or_else(|| {
                AppError::bad_request(ErrorCode::InvalidQuery, "status phải là effective, obsolete hoặc all.")
            })?),
        };
        let field = self.field.clone().filter(|f| !f.is_empty());
        Ok(ProcedureFilter {
            field,
            kind,
            status,
            text: self.q.clone(),
            review_due_by: self.due_for_review.filter(|d| *d).map(|_| chrono::Utc::now().date_naive()),
            limit,
            offset,
        })
    }
}

#[derive(Serialize)]
pub struct FieldDto {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub system: bool,
    pub procedure_count: i64,
}

impl From<FieldCount> for FieldDto {
    fn from(f: FieldCount) -> Self {
        Self {
            code: f.field.code,
            name: f.field.name_vi,
            name_en: f.field.name_en,
            system: f.field.system,
            procedure_count: f.procedures,
        }
    }
}

#[derive(Serialize)]
pub struct ProcedureSummary {
    pub code: String,
    pub title: String,
    pub field: String,
    pub kind: ProcedureKind,
    pub revision: i32,
    pub effective_date: NaiveDate,
    pub status: ProcedureStatus,
    pub review_due: Option<NaiveDate>,
}

impl From<ProcedureRecord> for ProcedureSummary {
    fn from(p: ProcedureRecord) -> Self {
        Self {
            code: p.code,
            title: p.title,
            field: p.field,
            kind: p.kind,
            revision: p.revision,
            effective_date: p.effective_date,
            status: p.status,
            review_due: p.review_due,
        }
    }
}

/// One sign-off of a revision: Soạn thảo (prepared), Xem xét (reviewed), Phê duyệt (approved).
#[derive(Serialize)]
pub struct Approval {
    pub step: &'static str,
    pub by: String,
}

pub fn approvals(r: &RevisionRecord) -> Vec<Approval> {
    [("prepared", &r.prepared_by), ("reviewed", &r.reviewed_by), ("approved", &r.approved_by)]
        .into_iter()
        .filter_map(|(step, by)| by.clone().map(|by| Approval { step, by }))
        .collect()
}

#[derive(Serialize)]
pub struct ProcedureDto {
    pub code: String,
    pub title: String,
    pub field: String,
    pub kind: ProcedureKind,
    pub revision: i32,
    pub current_revision: i32,
    pub effective_date: NaiveDate,
    pub status: ProcedureStatus,
    /// `current`, `superseded` or `obsolete`.
    pub standing: crate::domain::procedure::RevisionStanding,
    pub commit: String,
    pub front_matter: crate::domain::FrontMatter,
    pub markdown: String,
    pub html: String,
    pub approvals: Vec<Approval>,
    pub summary: String,
    pub published_by: String,
    pub published_at: NaiveDateTime,
}

impl From<ProcedureView> for ProcedureDto {
    fn from(v: ProcedureView) -> Self {
        Self::from(&v)
    }
}

impl From<&ProcedureView> for ProcedureDto {
    fn from(v: &ProcedureView) -> Self {
        Self {
            code: v.procedure.code.clone(),
            title: v.revision.title.clone(),
            field: v.procedure.field.clone(),
            kind: v.procedure.kind,
            revision: v.revision.revision,
            current_revision: v.procedure.revision,
            effective_date: v.revision.effective_date,
            status: v.procedure.status,
            standing: v.standing,
            commit: v.revision.commit.clone(),
            front_matter: v.document.front.clone(),
            markdown: v.document.markdown.clone(),
            html: v.document.html.clone(),
            approvals: approvals(&v.revision),
            summary: v.revision.summary.clone(),
            published_by: v.revision.published_by.clone(),
            published_at: v.revision.published_at,
        }
    }
}

#[derive(Serialize)]
pub struct RevisionDto {
    pub revision: i32,
    pub commit: String,
    pub effective_date: NaiveDate,
    pub summary: String,
    pub approved_by: Option<String>,
    pub published_by: String,
    pub published_at: NaiveDateTime,
}

impl From<RevisionRecord> for RevisionDto {
    fn from(r: RevisionRecord) -> Self {
        Self {
            revision: r.revision,
            commit: r.commit,
            effective_date: r.effective_date,
            summary: r.summary,
            approved_by: r.approved_by,
            published_by: r.published_by,
            published_at: r.published_at,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize)]
pub struct UserDto {
    pub username: String,
    pub display_name: String,
    pub roles: Vec<crate::domain::Role>,
    pub fields: Vec<String>,
    pub active: bool,
    /// The slug of the account's organisation.
    pub org: String,
}

impl UserDto {
    /// `org` is the slug of the account's organisation.
    pub fn of(u: UserRecord, org: &str) -> Self {
        Self {
            username: u.username,
            display_name: u.display_name,
            roles: u.roles,
            fields: u.fields,
            active: u.active,
            org: org.to_owned(),
        }
    }
}

#[derive(Serialize)]
pub struct LoginResponse {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: UserDto,
}
