//! `Users` on the database.

use diesel::prelude::*;

use super::connection::Db;
use super::rows::{UserInsert, UserRow};
use super::schema::users;
use crate::service::ports::{PortResult, UserRecord, Users};

impl Users for Db {
    fn user(&self, username: &str) -> PortResult<Option<UserRecord>> {
        self.read(|c| {
            let row: Option<UserRow> = users::table
                .filter(users::username.eq(username))
                .select(UserRow::as_select())
                .first(c)
                .optional()?;
            Ok(row.map(UserRow::into_record))
        })
    }

    fn users(&self) -> PortResult<Vec<UserRecord>> {
        self.read(|c| {
            let rows: Vec<UserRow> = users::table
                .order(users::username)
                .select(UserRow::as_select())
                .load(c)?;
            Ok(rows.into_iter().map(UserRow::into_record).collect())
        })
    }

    fn count_users(&self) -> PortResult<i64> {
        self.read(|c| users::table.count().get_result(c))
    }

    fn insert_user(&self, user: &UserRecord) -> PortResult<()> {
        self.write(|c| {
            diesel::insert_into(users::table)
                .values(UserInsert::new(user))
                .execute(c)
                .map(|_| ())
        })
    }
}
