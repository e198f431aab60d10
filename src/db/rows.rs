//! Row structs per table and their explicit conversions to the records of the service ports.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{fields, legal_bases, procedures, revisions, users};
use crate::domain::field::Field;
use crate::domain::legal_basis::{LegalBasis, LegalStatus};
use crate::domain::organisation::OrgId;
use crate::domain::{ProcedureKind, ProcedureStatus, Role};
use crate::service::ports::{ProcedureRecord, RevisionRecord, UserRecord};

/// A value stored as text, parsed strictly: an unknown state in the database is corruption to
/// report (the request fails and the log names it), never a plausible default that hides it.
pub(crate) fn stored<T>(value: &str, parse: impl Fn(&str) -> Option<T>, what: &'static str) -> QueryResult<T> {
    parse(value).ok_or_else(|| {
        let value: String = value.chars().take(40).collect();
        diesel::result::Error::DeserializationError(format!("unknown {what} \"{value}\" stored").into())
    })
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = fields)]
pub struct FieldRow {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub is_system: bool,
    pub position: i32,
}

impl FieldRow {
    pub fn new(field: &Field, position: usize) -> Self {
        Self {
            code: field.code.clone(),
            name_vi: field.name_vi.clone(),
            name_en: field.name_en.clone(),
            is_system: field.system,
            position: position as i32,
        }
    }
    pub fn into_field(self) -> Field {
        Field { code: self.code, name_vi: self.name_vi, name_en: self.name_en, system: self.is_system }
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = legal_bases)]
pub struct LegalBasisRow {
    pub key: String,
    pub kind: String,
    pub number: String,
    pub issued_on: Option<NaiveDate>,
    pub issuer: String,
    pub title: String,
    pub status: String,
    /// The successors' keys separated by spaces (keys hold no spaces); one key reads as before.
    pub superseded_by: Option<String>,
    pub effective_from: Option<NaiveDate>,
    pub effective_to: Option<NaiveDate>,
    /// The amending texts' keys separated by spaces.
    pub amended_by: String,
    pub note: Option<String>,
}

impl From<&LegalBasis> for LegalBasisRow {
    fn from(l: &LegalBasis) -> Self {
        Self {
            key: l.key.clone(),
            kind: l.kind.clone(),
            number: l.number.clone(),
            issued_on: l.date,
            issuer: l.issuer.clone(),
            title: l.title.clone(),
            status: l.status.as_str().to_owned(),
            superseded_by: (!l.superseded_by.is_empty()).then(|| l.superseded_by.join(" ")),
            effective_from: l.effective_from,
            effective_to: l.effective_to,
            amended_by: l.amended_by.join(" "),
            note: l.note.clone(),
        }
    }
}

fn keys(joined: &str) -> Vec<String> {
    joined.split_whitespace().map(str::to_owned).collect()
}

impl LegalBasisRow {
    pub fn into_legal_basis(self) -> QueryResult<LegalBasis> {
        Ok(LegalBasis {
            status: stored(&self.status, LegalStatus::parse, "legal status")?,
            key: self.key,
            kind: self.kind,
            number: self.number,
            date: self.issued_on,
            issuer: self.issuer,
            title: self.title,
            superseded_by: self.superseded_by.as_deref().map(keys).unwrap_or_default(),
            effective_from: self.effective_from,
            effective_to: self.effective_to,
            amended_by: keys(&self.amended_by),
            note: self.note,
        })
    }
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = procedures)]
pub struct ProcedureRow {
    pub code: String,
    pub title: String,
    pub field: String,
    pub kind: String,
    pub status: String,
    pub current_revision: i32,
    pub effective_date: NaiveDate,
    pub review_interval_months: i32,
    pub review_due: Option<NaiveDate>,
    pub owner: String,
}

impl From<&ProcedureRecord> for ProcedureRow {
    fn from(p: &ProcedureRecord) -> Self {
        Self {
            code: p.code.clone(),
            title: p.title.clone(),
            field: p.field.clone(),
            kind: p.kind.as_str().to_owned(),
            status: p.status.as_str().to_owned(),
            current_revision: p.revision,
            effective_date: p.effective_date,
            review_interval_months: p.review_interval_months,
            review_due: p.review_due,
            owner: p.owner.clone(),
        }
    }
}

impl ProcedureRow {
    pub fn into_record(self) -> QueryResult<ProcedureRecord> {
        Ok(ProcedureRecord {
            kind: stored(&self.kind, ProcedureKind::parse, "procedure kind")?,
            status: stored(&self.status, ProcedureStatus::parse, "procedure status")?,
            code: self.code,
            title: self.title,
            field: self.field,
            revision: self.current_revision,
            effective_date: self.effective_date,
            review_interval_months: self.review_interval_months,
            review_due: self.review_due,
            owner: self.owner,
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = revisions)]
pub struct RevisionRow {
    pub procedure_code: String,
    pub revision: i32,
    pub commit_id: String,
    pub blob_id: String,
    pub title: String,
    pub effective_date: NaiveDate,
    pub summary: String,
    pub prepared_by: Option<String>,
    pub reviewed_by: Option<String>,
    pub approved_by: Option<String>,
    pub published_by: String,
    pub published_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = revisions)]
pub struct RevisionInsert<'a> {
    pub procedure_code: &'a str,
    pub revision: i32,
    pub commit_id: &'a str,
    pub blob_id: &'a str,
    pub title: &'a str,
    pub effective_date: NaiveDate,
    pub summary: &'a str,
    pub prepared_by: Option<&'a str>,
    pub reviewed_by: Option<&'a str>,
    pub approved_by: Option<&'a str>,
    pub published_by: &'a str,
    pub published_at: NaiveDateTime,
}

impl<'a> From<&'a RevisionRecord> for RevisionInsert<'a> {
    fn from(r: &'a RevisionRecord) -> Self {
        Self {
            procedure_code: &r.code,
            revision: r.revision,
            commit_id: &r.commit,
            blob_id: &r.blob,
            title: &r.title,
            effective_date: r.effective_date,
            summary: &r.summary,
            prepared_by: r.prepared_by.as_deref(),
            reviewed_by: r.reviewed_by.as_deref(),
            approved_by: r.approved_by.as_deref(),
            published_by: &r.published_by,
            published_at: r.published_at,
        }
    }
}

impl RevisionRow {
    pub fn into_record(self) -> QueryResult<RevisionRecord> {
        Ok(RevisionRecord {
            code: self.procedure_code,
            revision: self.revision,
            commit: self.commit_id,
            blob: self.blob_id,
            title: self.title,
            effective_date: self.effective_date,
            summary: self.summary,
            prepared_by: self.prepared_by,
            reviewed_by: self.reviewed_by,
            approved_by: self.approved_by,
            published_by: self.published_by,
            published_at: self.published_at,
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub roles: String,
    pub fields: String,
    pub active: bool,
    pub token_version: i32,
    pub failed_logins: i32,
    pub locked_until: Option<NaiveDateTime>,
    pub org_id: i32,
}

/// Everything of an account that can change after creation.
#[derive(AsChangeset)]
#[diesel(table_name = users, treat_none_as_null = true)]
pub struct UserChanges<'a> {
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub roles: String,
    pub fields: String,
    pub active: bool,
    pub token_version: i32,
    pub failed_logins: i32,
    pub locked_until: Option<NaiveDateTime>,
}

impl<'a> UserChanges<'a> {
    pub fn new(u: &'a UserRecord) -> Self {
        Self {
            display_name: &u.display_name,
            password_hash: &u.password_hash,
            roles: join_list(u.roles.iter().map(|r| r.as_str())),
            fields: join_list(u.fields.iter().map(String::as_str)),
            active: u.active,
            token_version: u.token_version,
            failed_logins: u.failed_logins,
            locked_until: u.locked_until,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct UserInsert<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub roles: String,
    pub fields: String,
    pub active: bool,
    pub token_version: i32,
    pub created_at: NaiveDateTime,
}

/// Lists are stored as comma-separated TEXT: portable across both backends and readable in SQL.
pub fn join_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items.into_iter().collect::<Vec<_>>().join(",")
}

fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split(',').map(str::trim).filter(|p| !p.is_empty())
}

impl<'a> UserInsert<'a> {
    pub fn new(u: &'a UserRecord) -> Self {
        Self {
            username: &u.username,
            display_name: &u.display_name,
            password_hash: &u.password_hash,
            roles: join_list(u.roles.iter().map(|r| r.as_str())),
            fields: join_list(u.fields.iter().map(String::as_str)),
            active: u.active,
            token_version: u.token_version,
            created_at: chrono::Utc::now().naive_utc(),
        }
    }
}

impl UserRow {
    pub fn into_record(self) -> QueryResult<UserRecord> {
        Ok(UserRecord {
            roles: split_list(&self.roles).map(|r| stored(r, Role::parse, "role")).collect::<QueryResult<_>>()?,
            fields: split_list(&self.fields).map(str::to_owned).collect(),
            username: self.username,
            display_name: self.display_name,
            password_hash: self.password_hash,
            active: self.active,
            token_version: self.token_version,
            failed_logins: self.failed_logins,
            locked_until: self.locked_until,
            org: OrgId(self.org_id),
        })
    }
}
