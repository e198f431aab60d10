//! `GET /api/v1/events` (admin, auditor): the event log, newest first, filterable by entity and actor.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::blocking;
use super::dto::{List, Page};
use crate::domain::{Action, Resource, authorize};
use crate::error::AppResult;
use crate::service::audit_log;
use crate::service::ports::EventFilter;
use crate::web_common::CurrentUser;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventQuery {
    /// `type` or `type:id`, e.g. `user:admin`, `procedure:QT-HTI-01`.
    entity: Option<String>,
    entity_type: Option<String>,
    entity_id: Option<String>,
    actor: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

impl EventQuery {
    fn filter(self) -> AppResult<EventFilter> {
        let (limit, offset) = Page { limit: self.limit, offset: self.offset }.bounds()?;
        let mut filter = audit_log::filter_by(self.entity, self.actor, limit, offset);
        // The separate parts, when given, say the same as `entity` does.
        filter.entity_type = filter.entity_type.or(self.entity_type);
        filter.entity_id = filter.entity_id.or(self.entity_id);
        Ok(filter)
    }
}

pub async fn list(user: CurrentUser, query: web::Query<EventQuery>) -> AppResult<HttpResponse> {
    authorize(&user.actor, Action::ReadEvents, Resource::None)?;
    let filter = query.into_inner().filter()?;
    let (items, total) = blocking(move || audit_log::events(&user.org, &filter)).await?;
    Ok(HttpResponse::Ok().json(List { items, total }))
}
