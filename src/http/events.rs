//! `GET /api/v1/events` (admin, auditor): the event log, newest first, filterable by entity and actor.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::blocking;
use super::dto::{List, Page};
use super::extract::CurrentUser;
use crate::app::AppState;
use crate::domain::{Action, Resource, authorize};
use crate::error::AppResult;
use crate::service::ports::EventFilter;

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
    /// A query by entity (`type` or `type:id`) and actor only.
    pub fn from_parts(entity: Option<String>, actor: Option<String>) -> Self {
        Self { entity, entity_type: None, entity_id: None, actor, limit: None, offset: None }
    }

    pub fn filter(self) -> AppResult<EventFilter> {
        let (limit, offset) = Page { limit: self.limit, offset: self.offset }.bounds()?;
        let (mut entity_type, mut entity_id) = (self.entity_type, self.entity_id);
        if let Some(entity) = self.entity.filter(|e| !e.is_empty()) {
            match entity.split_once(':') {
                Some((t, id)) => (entity_type, entity_id) = (Some(t.to_owned()), Some(id.to_owned())),
                None => entity_type = Some(entity),
            }
        }
        let actor = self.actor.filter(|a| !a.is_empty());
        Ok(EventFilter { entity_type, entity_id, actor, limit, offset })
    }
}

pub async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<EventQuery>,
) -> AppResult<HttpResponse> {
    authorize(&user.0, Action::ReadEvents, Resource::None)?;
    let filter = query.into_inner().filter()?;
    let (items, total) = blocking(move || Ok(state.services.events.events(&filter)?)).await?;
    Ok(HttpResponse::Ok().json(List { items, total }))
}
