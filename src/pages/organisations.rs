//! Units below an organisation: the list and the form that creates one, for its admin. The new
//! unit goes below the organisation the page shows (the request's scope), and its accounts are
//! then made on its own account page, `/o/{slug}/admin/users`.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::forms::{form_error_status, parse_form, see_other};
use super::session::Reader;
use super::views::{AdminOrganisationsPage, OrgForm};
use crate::domain::ErrorCode;
use crate::domain::organisation::{OrgKind, Organisation};
use crate::domain::{Action, Resource, authorize};
use crate::error::{AppError, AppResult};
use crate::service::organisations::{self, Corpus};
use crate::service::ports::NewOrganisation;
use crate::service::users::Operator;
use crate::web_common::blocking;

/// The corpora a unit can start from on this page (adopting the parent's is not supported yet).
pub const CORPORA: [&str; 2] = ["shipped", "empty"];

#[derive(Deserialize)]
struct OrgFormBody {
    csrf: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    corpus: String,
}

/// The units below the organisation shown, in tree order, with the name of each one's parent.
fn units(reader: &Reader) -> Vec<(Organisation, String)> {
    let deployment = &reader.state.deployment;
    let shown = reader.org.org.id;
    deployment
        .subtree(shown)
        .into_iter()
        .filter(|o| o.id != shown)
        .map(|o| {
            let parent = o.parent.and_then(|p| deployment.get(p)).map(|p| p.name).unwrap_or_default();
            (o, parent)
        })
        .collect()
}

fn render(reader: &Reader, status: actix_web::http::StatusCode, form: OrgForm) -> AppResult<HttpResponse> {
    let units = units(reader);
    super::html_with(status, &AdminOrganisationsPage { c: reader.chrome(), units, form })
}

pub async fn page(reader: Reader) -> AppResult<HttpResponse> {
    authorize(&reader.actor, Action::ManageOrganisations, Resource::None)?;
    render(&reader, actix_web::http::StatusCode::OK, OrgForm::empty())
}

/// Puts a refused creation's message beside the field it concerns.
fn place_error(reader: &Reader, form: &mut OrgForm, e: &AppError) {
    let message = Some(reader.tr().error(e));
    match e.code {
        ErrorCode::InvalidSlug | ErrorCode::OrganisationExists => form.slug_error = message,
        ErrorCode::InvalidOrgName => form.name_error = message,
        _ => form.error = message,
    }
}

pub async fn create(reader: Reader, body: web::Bytes) -> AppResult<HttpResponse> {
    authorize(&reader.actor, Action::ManageOrganisations, Resource::None)?;
    let body: OrgFormBody = parse_form(&body)?;
    reader.check_csrf(&body.csrf)?;
    let mut form = OrgForm {
        slug: body.slug.trim().to_owned(),
        name: body.name.trim().to_owned(),
        kind: body.kind.clone(),
        corpus: body.corpus.clone(),
        ..OrgForm::empty()
    };
    let parsed = OrgKind::parse(&body.kind)
        .ok_or_else(|| {
            AppError::unprocessable(
                ErrorCode::InvalidOrgKind,
                "Loại đơn vị phải là province, commune, ward hoặc other.",
            )
        })
        .and_then(|kind| {
            let corpus = Corpus::parse(&body.corpus).filter(|_| CORPORA.contains(&body.corpus.as_str()));
            let corpus = corpus.ok_or_else(|| {
                AppError::unprocessable(ErrorCode::InvalidCorpus, "Quy trình ban đầu phải là shipped hoặc empty.")
            })?;
            Ok((kind, corpus))
        });
    let outcome = match parsed {
        Ok((kind, corpus)) => {
            let new = NewOrganisation {
                slug: form.slug.clone(),
                name: form.name.clone(),
                kind,
                parent: Some(reader.org.org.id),
            };
            let (state, actor) = (reader.state.clone(), reader.actor.clone());
            blocking(move || {
                let shipped = &state.settings.procedures_dir;
                organisations::create(&state.deployment, Operator::Admin(&actor), new, corpus, shipped)
            })
            .await
        }
        Err(e) => Err(e),
    };
    match outcome {
        // Its accounts come next: the account page of the new unit, under its prefix.
        Ok(created) => Ok(see_other(&format!("/o/{}/admin/users?created=1", created.slug))),
        Err(e) => {
            let Some(status) = form_error_status(&e) else {
                return Err(e);
            };
            place_error(&reader, &mut form, &e);
            render(&reader, status, form)
        }
    }
}
