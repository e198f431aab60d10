//! Change-control pages: the list, opening a request, the web editor with live preview, and one
//! request with its diff and the actions the reader's role allows.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::forms::{form_error_status, parse_form, see_other};
use super::session::Reader;
use super::views::{ChangeActions, ChangeEditPage, ChangeListPage, ChangeNewPage, ChangePage};
use crate::domain::ErrorCode;
use crate::domain::change_request::{ChangeKind, ChangeStatus, Decision, Signed, Step, reviews_complete};
use crate::domain::{Action, Resource, Role, authorize};
use crate::error::{AppError, AppResult};
use crate::markdown::{parse_document, render_html};
use crate::service::change_control::{create, edit, problems, publish, view, workflow};
use crate::service::ports::{ChangeFilter, ProcedureFilter, SignoffKind};
use crate::web_common::blocking;

fn id_of(raw: &str) -> AppResult<i32> {
    crate::web_common::positive_id(raw, ErrorCode::ChangeRequestNotFound, "Không có yêu cầu thay đổi này.")
}

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
}

pub async fn list(reader: Reader, query: web::Query<ListQuery>) -> AppResult<HttpResponse> {
    let status = query.into_inner().status.unwrap_or_default();
    let filter = ChangeFilter { status: ChangeStatus::parse(&status), limit: 500, ..Default::default() };
    let (state, actor) = (reader.org.clone(), reader.actor.clone());
    let (items, _) = blocking(move || view::list(&state, &actor, filter)).await?;
    let can_create = authorize(&reader.actor, Action::ManageDocuments, Resource::None).is_ok();
    super::html(&ChangeListPage { c: reader.chrome(), items, status, statuses: ChangeStatus::ALL.to_vec(), can_create })
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    code: Option<String>,
    kind: Option<String>,
}

async fn new_page(
    reader: &Reader,
    query: NewQuery,
    reason: String,
    markdown: String,
    error: Option<String>,
) -> AppResult<ChangeNewPage<'_>> {
    let state = reader.org.clone();
    let filter =
        ProcedureFilter { status: Some(crate::domain::ProcedureStatus::Effective), limit: 500, ..Default::default() };
    let procedures = blocking(move || Ok(crate::service::catalog::procedures(&state, &filter)?.0)).await?;
    Ok(ChangeNewPage {
        c: reader.chrome(),
        procedures,
        kinds: ["revise", "create", "retire"]
            .into_iter()
            .map(|k| {
                let label = match k {
                    "revise" => "change.kind_revise",
                    "create" => "change.kind_create",
                    _ => "change.kind_retire",
                };
                (k, label, query.kind.as_deref().unwrap_or("revise") == k)
            })
            .collect(),
        code: query.code.unwrap_or_default(),
        reason,
        markdown,
        error,
    })
}

pub async fn new_form(reader: Reader, query: web::Query<NewQuery>) -> AppResult<HttpResponse> {
    authorize(&reader.actor, Action::ManageDocuments, Resource::None)?;
    let page = new_page(&reader, query.into_inner(), String::new(), String::new(), None).await?;
    super::html(&page)
}

#[derive(Deserialize)]
struct NewForm {
    csrf: String,
    kind: String,
    code: String,
    reason: String,
    #[serde(default)]
    markdown: String,
}

pub async fn create(reader: Reader, body: web::Bytes) -> AppResult<HttpResponse> {
    let form: NewForm = parse_form(&body)?;
    reader.check_csrf(&form.csrf)?;
    let kind = ChangeKind::parse(&form.kind)
        .ok_or_else(|| AppError::bad_request(ErrorCode::MalformedForm, "Loại thay đổi không hợp lệ."))?;
    let markdown = Some(form.markdown.clone()).filter(|m| !m.trim().is_empty());
    let new = create::NewChange { code: form.code.trim().to_owned(), reason: form.reason.clone(), kind, markdown };
    let (state, actor) = (reader.org.clone(), reader.actor.clone());
    match blocking(move || create::create(&state, &actor, new)).await {
        Ok(cr) => Ok(see_other(&format!("/change-requests/{}", cr.id))),
        Err(e) => {
            let Some(status) = form_error_status(&e) else { return Err(e) };
            let query = NewQuery { code: Some(form.code), kind: Some(form.kind) };
            let page = new_page(&reader, query, form.reason, form.markdown, Some(reader.tr().error(&e))).await?;
            super::html_with(status, &page)
        }
    }
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    saved: Option<String>,
}

/// The request page, optionally with an error shown in the form that caused it.
async fn detail_page(
    reader: &Reader,
    id: i32,
    error: Option<(&'static str, Option<&'static str>, String)>,
    notice: Option<&str>,
) -> AppResult<HttpResponse> {
    let (state, actor) = (reader.org.clone(), reader.actor.clone());
    let (v, users) = blocking(move || {
        let v = view::view(&state, &actor, id)?;
        Ok((v, crate::service::users::all(&state)?))
    })
    .await?;
    let me = &reader.actor;
    let involved = Resource::ChangeRequest {
        author: &v.cr.author,
        reviewers: &v.cr.reviewers,
        approver: v.cr.approver.as_deref(),
    };
    let status = v.cr.status;
    let reviews: Vec<Signed<'_>> = v
        .signoffs
        .iter()
        .filter(|s| s.kind == SignoffKind::Review && !s.voided)
        .map(|s| Signed { by: &s.username, content_hash: &s.content_hash, approves: s.decision.agrees() })
        .collect();
    let complete = reviews_complete(&v.cr.reviewers, &reviews, &v.cr.content_hash);
    // What the page offers is what the lifecycle (`next`) and the permission function allow.
    let allowed = |action, step| status.allows(step) && authorize(me, action, involved).is_ok();
    let can = ChangeActions {
        edit: allowed(Action::ManageDocuments, Step::EditContent) && v.cr.kind.has_content(),
        submit: allowed(Action::ManageDocuments, Step::Submit),
        review: allowed(Action::ReviewChange, Step::ApproveReview),
        approve: allowed(Action::ApproveChange, Step::Approve),
        publish: allowed(Action::ManageDocuments, Step::Publish),
        withdraw: allowed(Action::ManageDocuments, Step::Withdraw),
    };
    let active: Vec<_> = users.into_iter().filter(|u| u.active && u.username != v.cr.author).collect();
    let reviewer_options = active
        .iter()
        .map(|u| (u.username.clone(), u.display_name.clone(), v.cr.reviewers.contains(&u.username)))
        .collect();
    let approver_options = active
        .iter()
        .filter(|u| u.roles.contains(&Role::Approver))
        .map(|u| (u.username.clone(), u.display_name.clone(), v.cr.approver.as_deref() == Some(u.username.as_str())))
        .collect();
    let title = parse_document(&v.markdown).map(|d| d.front.title).unwrap_or_default();
    let status_code = error.as_ref().map_or(StatusCode::OK, |_| StatusCode::UNPROCESSABLE_ENTITY);
    let page = ChangePage {
        c: reader.chrome(),
        diff: v.diff.clone(),
        title,
        can,
        reviews_complete: complete,
        reviewer_options,
        approver_options,
        error,
        notice,
        today: chrono::Utc::now().date_naive().to_string(),
        v,
    };
    super::html_with(status_code, &page)
}

pub async fn detail(reader: Reader, id: web::Path<String>, query: web::Query<NoticeQuery>) -> AppResult<HttpResponse> {
    let id = id_of(&id)?;
    let notice = query.saved.as_ref().map(|_| reader.tr().get("admin.saved"));
    detail_page(&reader, id, None, notice).await
}

pub async fn edit_form(reader: Reader, id: web::Path<String>) -> AppResult<HttpResponse> {
    authorize(&reader.actor, Action::ManageDocuments, Resource::None)?;
    let id = id_of(&id)?;
    let (state, actor) = (reader.org.clone(), reader.actor.clone());
    let v = blocking(move || view::view(&state, &actor, id)).await?;
    let preview = parse_document(&v.markdown).map(|d| render_html(&d.body)).unwrap_or_default();
    super::html(&ChangeEditPage { c: reader.chrome(), cr: v.cr, markdown: v.markdown, preview, problems: v.problems })
}

#[derive(Deserialize)]
struct EditForm {
    csrf: String,
    markdown: String,
}

pub async fn save_edit(reader: Reader, id: web::Path<String>, body: web::Bytes) -> AppResult<HttpResponse> {
    let id = id_of(&id)?;
    let form: EditForm = parse_form(&body)?;
    reader.check_csrf(&form.csrf)?;
    // Browsers send CRLF line ends from a textarea; the store keeps LF.
    let markdown = form.markdown.replace("\r\n", "\n");
    let (state, actor, text) = (reader.org.clone(), reader.actor.clone(), markdown.clone());
    match blocking(move || edit::save_content(&state, &actor, id, &text)).await {
        Ok(_) => Ok(see_other(&format!("/change-requests/{id}?saved=1"))),
        Err(e) if e.code == ErrorCode::InvalidDocument => {
            let (state, actor, text) = (reader.org.clone(), reader.actor.clone(), markdown.clone());
            let (cr, found) = blocking(move || {
                let v = view::view(&state, &actor, id)?;
                let code = crate::service::change_control::code_of(&v.cr)?;
                Ok((v.cr, problems(&state, &code, &text)?))
            })
            .await?;
            let preview = parse_document(&markdown).map(|d| render_html(&d.body)).unwrap_or_default();
            let page = ChangeEditPage { c: reader.chrome(), cr, markdown, preview, problems: found };
            super::html_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct ActionForm {
    csrf: String,
    #[serde(default)]
    reviewers: Vec<String>,
    #[serde(default)]
    approver: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    effective_date: String,
    /// The content hash the page showed (reviews and approval are bound to it).
    #[serde(default)]
    content_hash: String,
}

/// The workflow forms of a change request's page, by the last segment of the address each posts
/// to. Parsed once: the handler then matches the variant, and a new form is found by the compiler.
#[derive(Debug, Clone, Copy)]
enum FormAction {
    Submit,
    Review,
    Approve,
    Reject,
    Publish,
    Withdraw,
}

impl FormAction {
    fn from_path(segment: &str) -> Option<Self> {
        match segment {
            "submit" => Some(Self::Submit),
            "reviews" => Some(Self::Review),
            "approve" => Some(Self::Approve),
            "reject" => Some(Self::Reject),
            "publish" => Some(Self::Publish),
            "withdraw" => Some(Self::Withdraw),
            _ => None,
        }
    }

    /// The form's name on the page, where a refusal's message is shown.
    fn form(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Review => "review",
            Self::Approve => "approve",
            Self::Reject => "reject",
            Self::Publish => "publish",
            Self::Withdraw => "withdraw",
        }
    }
}

/// Runs one workflow action from its form; a refused action shows the page again with the
/// message inside that form.
pub async fn act(reader: Reader, path: web::Path<(String, String)>, body: web::Bytes) -> AppResult<HttpResponse> {
    let (raw_id, action) = path.into_inner();
    let id = id_of(&raw_id)?;
    let form: ActionForm = parse_form(&body)?;
    reader.check_csrf(&form.csrf)?;
    let action = FormAction::from_path(&action)
        .ok_or_else(|| AppError::not_found(ErrorCode::NotFound, "Không có thao tác này."))?;
    let effective_date = match form.effective_date.trim() {
        "" => None,
        d => Some(
            d.parse().map_err(|_| AppError::bad_request(ErrorCode::MalformedForm, "Ngày hiệu lực không hợp lệ."))?,
        ),
    };
    let (state, actor) = (reader.org.clone(), reader.actor.clone());
    let outcome = blocking(move || {
        let s = &state;
        match action {
            FormAction::Submit => workflow::submit(s, &actor, id, form.reviewers, form.approver).map(|_| ()),
            FormAction::Review => {
                let approves = match Decision::parse(&form.decision) {
                    Some(Decision::Approve) => true,
                    Some(Decision::RequestChanges) => false,
                    _ => {
                        return Err(AppError::bad_request(ErrorCode::MalformedForm, "Ý kiến xem xét không hợp lệ."));
                    }
                };
                workflow::review(s, &actor, id, approves, &form.comment, Some(&form.content_hash)).map(|_| ())
            }
            FormAction::Approve => {
                workflow::approve(s, &actor, id, &form.password, &form.comment, Some(&form.content_hash)).map(|_| ())
            }
            FormAction::Reject => workflow::reject(s, &actor, id, &form.comment).map(|_| ()),
            FormAction::Publish => {
                let input = publish::PublishInput { effective_date, summary: form.summary };
                publish::publish(s, &actor, id, input).map(|_| ())
            }
            FormAction::Withdraw => workflow::withdraw(s, &actor, id, &form.comment).map(|_| ()),
        }
    })
    .await;
    match outcome {
        Ok(()) => Ok(see_other(&format!("/change-requests/{id}?saved=1"))),
        Err(e) if form_error_status(&e).is_some() || e.code == ErrorCode::SignatureRefused => {
            let message = reader.tr().error(&e);
            detail_page(&reader, id, Some((action.form(), field_at_fault(e.code), message)), None).await
        }
        Err(e) => Err(e),
    }
}

/// The field (by its id on the page) an error is about, to show the error beside it.
fn field_at_fault(code: ErrorCode) -> Option<&'static str> {
    match code {
        ErrorCode::SignatureRefused | ErrorCode::AccountLocked => Some("approve-password"),
        ErrorCode::MissingSummary => Some("summary"),
        ErrorCode::InvalidEffectiveDate => Some("effective_date"),
        ErrorCode::MissingReviewers | ErrorCode::InvalidReviewer => Some("reviewers"),
        ErrorCode::InvalidApprover => Some("approver"),
        _ => None,
    }
}
