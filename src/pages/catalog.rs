//! Home, field and search pages.

use actix_web::{HttpResponse, web};

use super::session::Reader;
use super::views::{HomePage, ProcedureListPage};
use crate::domain::ErrorCode;
use crate::domain::{FieldCode, ProcedureKind, ProcedureStatus};
use crate::error::{AppError, AppResult};
use crate::service::catalog;
use crate::service::ports::ProcedureFilter;
use crate::web_common::blocking;

fn effective(field: Option<String>, kind: Option<ProcedureKind>, text: Option<String>) -> ProcedureFilter {
    ProcedureFilter { field, kind, status: Some(ProcedureStatus::Effective), text, limit: 500, ..Default::default() }
}

pub async fn home(reader: Reader) -> AppResult<HttpResponse> {
    let (state, actor) = (reader.org.clone(), reader.actor.clone());
    let (deployment, acting_in) = (reader.state.deployment.clone(), reader.org.org.id);
    let (system, fields, d, units) = blocking(move || {
        let system = catalog::procedures(&state, &effective(None, Some(ProcedureKind::Mandatory), None))?.0;
        let fields = catalog::fields(&state)?.into_iter().filter(|f| !f.field.system).collect();
        let today = chrono::Utc::now().date_naive();
        let units = crate::service::organisations::units(&deployment, &actor, acting_in, today)?;
        Ok((system, fields, crate::service::dashboard::dashboard(&state, &actor)?, units))
    })
    .await?;
    use crate::domain::{Action, Resource, authorize};
    let may = |action| authorize(&reader.actor, action, Resource::None).is_ok();
    let secretary = may(Action::ManageDocuments);
    let manages_quality =
        [Action::ManageDocuments, Action::ApproveChange, Action::PlanAudit, Action::ManageNonconformities]
            .into_iter()
            .any(may);
    // Those who oversee an organisation read its charts as those who run it do.
    let overseeing = !crate::service::deployment::is_member(&reader.actor);
    let overview = (manages_quality || overseeing).then(|| super::charts::Overview::of(&reader.tr(), &d));
    let me = reader.actor.username.clone();
    super::html(&HomePage { c: reader.chrome(), d, secretary, me, system, fields, overview, units })
}

pub async fn field(reader: Reader, code: web::Path<String>) -> AppResult<HttpResponse> {
    let not_found = || AppError::not_found(ErrorCode::NotFound, "Không có lĩnh vực này.");
    let code = FieldCode::parse(&code).ok_or_else(not_found)?;
    let state = reader.org.clone();
    let wanted = code.to_string();
    let (field, (items, total)) = blocking(move || {
        let field = catalog::fields(&state)?.into_iter().find(|f| f.field.code == wanted);
        let list = catalog::procedures(&state, &effective(Some(wanted), None, None))?;
        Ok((field, list))
    })
    .await?;
    let field = field.ok_or_else(not_found)?;
    let t = reader.tr();
    let heading = format!("{} {} — {}", t.get("field.title"), field.field.code, field.field.name(t.lang.code()));
    super::html(&ProcedureListPage {
        c: reader.chrome(),
        heading,
        query: None,
        total,
        items,
        empty: t.get("field.empty"),
    })
}
