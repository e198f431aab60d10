//! Bodies of the change-control API.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::domain::change_request::{ChangeKind, ChangeStatus};
use crate::markdown::DocumentDiff;
use crate::service::change_control::view::ChangeView;
use crate::service::ports::{ChangeRequestRecord, SignoffKind, SignoffRecord};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateChange {
    pub code: String,
    pub reason: String,
    pub kind: ChangeKind,
    pub markdown: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Content {
    pub markdown: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submit {
    pub reviewers: Vec<String>,
    pub approver: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    RequestChanges,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub decision: Decision,
    #[serde(default)]
    pub comment: String,
    /// The content hash the reviewer read; a mismatch is 409 `content_changed`.
    #[serde(default)]
    pub content_hash: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approve {
    pub password: String,
    #[serde(default)]
    pub comment: String,
    /// The content hash the approver read; a mismatch is 409 `content_changed`.
    #[serde(default)]
    pub content_hash: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Comment {
    #[serde(default)]
    pub comment: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publish {
    pub effective_date: Option<NaiveDate>,
    pub summary: String,
}

#[derive(Serialize)]
pub struct SignoffDto {
    pub username: String,
    pub display_name: String,
    pub decision: String,
    pub comment: String,
    pub content_hash: String,
    pub signed_at: NaiveDateTime,
    pub voided: bool,
    /// Given on the request's current content and not voided.
    pub current: bool,
}

fn signoff(s: &SignoffRecord, content_hash: &str) -> SignoffDto {
    SignoffDto {
        username: s.username.clone(),
        display_name: s.display_name.clone(),
        decision: s.decision.as_str().into(),
        comment: s.comment.clone(),
        content_hash: s.content_hash.clone(),
        signed_at: s.signed_at,
        voided: s.voided,
        current: !s.voided && s.content_hash == content_hash,
    }
}

#[derive(Serialize)]
pub struct ChangeSummary {
    pub id: i32,
    pub code: String,
    pub kind: ChangeKind,
    pub status: ChangeStatus,
    pub reason: String,
    pub author: String,
    pub base_revision: Option<i32>,
    pub content_hash: String,
    pub reviewers: Vec<String>,
    pub approver: Option<String>,
    pub published_revision: Option<i32>,
    pub published_commit: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl From<ChangeRequestRecord> for ChangeSummary {
    fn from(c: ChangeRequestRecord) -> Self {
        Self {
            id: c.id,
            code: c.code,
            kind: c.kind,
            status: c.status,
            reason: c.reason,
            author: c.author,
            base_revision: c.base_revision,
            content_hash: c.content_hash,
            reviewers: c.reviewers,
            approver: c.approver,
            published_revision: c.published_revision,
            published_commit: c.published_commit,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

#[derive(Serialize)]
pub struct ProblemDto {
    pub line: usize,
    pub rule: &'static str,
    pub message: String,
}

#[derive(Serialize)]
pub struct ChangeDetail {
    #[serde(flatten)]
    pub summary: ChangeSummary,
    pub draft_commit: String,
    pub markdown: String,
    pub reviews: Vec<SignoffDto>,
    /// The approver's latest decision, if any.
    pub approval: Option<SignoffDto>,
    pub diff: DocumentDiff,
    pub problems: Vec<ProblemDto>,
}

impl From<ChangeView> for ChangeDetail {
    fn from(v: ChangeView) -> Self {
        let hash = v.cr.content_hash.clone();
        let reviews = v.signoffs.iter().filter(|s| s.kind == SignoffKind::Review).map(|s| signoff(s, &hash)).collect();
        let approval = v.signoffs.iter().rev().find(|s| s.kind == SignoffKind::Approval).map(|s| signoff(s, &hash));
        let problems = v
            .problems
            .iter()
            .map(|p| ProblemDto { line: p.line, rule: p.rule.as_str(), message: p.message.clone() })
            .collect();
        Self {
            draft_commit: v.cr.draft_commit.clone(),
            summary: v.cr.into(),
            markdown: v.markdown,
            reviews,
            approval,
            diff: v.diff,
            problems,
        }
    }
}
