//! `Users` on the database.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::connection::OrgDb;
use super::events::append;
use super::rows::{UserChanges, UserInsert, UserRow};
use super::schema::{revoked_tokens, users};
use crate::domain::event::NewEvent;
use crate::service::ports::{PortError, PortResult, UserRecord, Users};

/// Usernames are unique across the deployment, so `user` finds an account whatever its
/// organisation (sign-in does not know it yet) and the record names it; the service refuses an
/// account of another organisation. Lists and changes stay inside this organisation.
impl Users for OrgDb {
    fn user(&self, username: &str) -> PortResult<Option<UserRecord>> {
        self.read(|c| {
            let row: Option<UserRow> = users::table
                .filter(users::username.eq(username))
                .select(UserRow::as_select())
                .get_result(c)
                .optional()?;
            row.map(UserRow::into_record).transpose()
        })
    }

    fn users(&self) -> PortResult<Vec<UserRecord>> {
        self.read(|c| {
            let rows: Vec<UserRow> = users::table
                .filter(users::org_id.eq(self.org))
                .order(users::username)
                .select(UserRow::as_select())
                .load(c)?;
            rows.into_iter().map(UserRow::into_record).collect()
        })
    }

    fn count_users(&self) -> PortResult<i64> {
        self.read(|c| users::table.count().get_result(c))
    }

    fn insert_user(&self, user: &UserRecord, event: &NewEvent) -> PortResult<()> {
        self.write(|c| {
            diesel::insert_into(users::table).values((UserInsert::new(user), users::org_id.eq(self.org))).execute(c)?;
            append(c, self.org, event)
        })
    }

    fn update_user(&self, user: &UserRecord, event: &NewEvent) -> PortResult<()> {
        let changed = self.write(|c| {
            let n = diesel::update(
                users::table.filter(users::username.eq(&user.username)).filter(users::org_id.eq(self.org)),
            )
            .set(UserChanges::new(user))
            .execute(c)?;
            if n == 1 {
                append(c, self.org, event)?;
            }
            Ok(n)
        })?;
        if changed == 1 { Ok(()) } else { Err(PortError::NotFound(user.username.clone())) }
    }

    fn revoke_token(&self, jti: &str, expires_at: NaiveDateTime, event: &NewEvent) -> PortResult<()> {
        let now = chrono::Utc::now().naive_utc();
        self.write(|c| {
            // Expired revocations are useless: tokens past expiry are refused anyway.
            diesel::delete(revoked_tokens::table.filter(revoked_tokens::expires_at.lt(now))).execute(c)?;
            diesel::insert_into(revoked_tokens::table)
                .values((revoked_tokens::jti.eq(jti), revoked_tokens::expires_at.eq(expires_at)))
                .execute(c)?;
            append(c, self.org, event)
        })
    }

    fn is_revoked(&self, jti: &str) -> PortResult<bool> {
        self.read(|c| {
            let n: i64 = revoked_tokens::table.filter(revoked_tokens::jti.eq(jti)).count().get_result(c)?;
            Ok(n > 0)
        })
    }
}
