//! `Organisations` on the database.

use diesel::prelude::*;

use super::connection::Db;
use super::events::append;
use super::rows::stored;
use super::schema::organisations;
use crate::domain::event::NewEvent;
use crate::domain::organisation::{OrgId, OrgKind, Organisation};
use crate::service::ports::{NewOrganisation, Organisations, PortResult};

#[derive(Queryable, Selectable)]
#[diesel(table_name = organisations)]
struct OrganisationRow {
    id: i32,
    slug: String,
    name: String,
    kind: String,
    parent_id: Option<i32>,
}

impl OrganisationRow {
    fn into_organisation(self) -> QueryResult<Organisation> {
        Ok(Organisation {
            id: OrgId(self.id),
            slug: self.slug,
            name: self.name,
            kind: stored(&self.kind, OrgKind::parse, "organisation kind")?,
            parent: self.parent_id.map(OrgId),
        })
    }
}

impl Organisations for Db {
    fn organisations(&self) -> PortResult<Vec<Organisation>> {
        self.read(|c| {
            let rows: Vec<OrganisationRow> =
                organisations::table.order(organisations::id).select(OrganisationRow::as_select()).load(c)?;
            rows.into_iter().map(OrganisationRow::into_organisation).collect()
        })
    }

    fn insert_organisation(&self, new: &NewOrganisation, event: &NewEvent) -> PortResult<Organisation> {
        let now = chrono::Utc::now().naive_utc();
        self.write(|c| {
            let id: i32 = diesel::insert_into(organisations::table)
                .values((
                    organisations::slug.eq(&new.slug),
                    organisations::name.eq(&new.name),
                    organisations::kind.eq(new.kind.as_str()),
                    organisations::parent_id.eq(new.parent.map(|p| p.0)),
                    organisations::created_at.eq(now),
                ))
                .returning(organisations::id)
                .get_result(c)?;
            append(c, id, &NewEvent { entity_id: new.slug.clone(), ..event.clone() })?;
            Ok(Organisation {
                id: OrgId(id),
                slug: new.slug.clone(),
                name: new.name.clone(),
                kind: new.kind,
                parent: new.parent,
            })
        })
    }
}
