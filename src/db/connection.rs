//! Connections, the pool, migrations and write transactions.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, Pool, PooledConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::domain::organisation::OrgId;
use crate::service::ports::{PortError, PortResult};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to either backend; queries written with diesel's DSL run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") { Self::Postgres } else { Self::Sqlite }
    }
}

/// Opens connections by URL scheme, never by trial: a PostgreSQL URL that fails to connect must
/// not silently become an SQLite file of that name.
pub struct Manager {
    url: String,
    backend: Backend,
}

// WAL lets readers proceed during a write; busy_timeout makes a second writer wait instead of
// failing with "database is locked".
const SQLITE_PRAGMAS: &str =
    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        match self.backend {
            Backend::Sqlite => {
                let path = self.url.strip_prefix("sqlite://").unwrap_or(&self.url);
                let mut conn = SqliteConnection::establish(path).map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute(SQLITE_PRAGMAS).map_err(r2d2::Error::QueryError)?;
                Ok(DbConn::Sqlite(conn))
            }
            Backend::Postgres => {
                let conn = PgConnection::establish(&self.url).map_err(r2d2::Error::ConnectionError)?;
                Ok(DbConn::Postgres(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1").map_err(r2d2::Error::QueryError)
    }

    /// Diesel's own judgement: a connection whose transaction state is broken is not reused.
    /// (`write` never returns a connection inside its SQLite transaction, even when its closure
    /// panics: see `OpenTransaction`.)
    fn has_broken(&self, conn: &mut DbConn) -> bool {
        diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

/// A SQLite transaction begun by hand (`BEGIN IMMEDIATE`, which diesel's transaction manager on a
/// multi-backend connection cannot issue). If the closure running inside it panics, dropping this
/// rolls it back, so the pooled connection never goes back to the pool inside a transaction.
struct OpenTransaction<'a> {
    conn: &'a mut DbConn,
    ended: bool,
}

impl OpenTransaction<'_> {
    /// Commits on success, rolls back on failure.
    fn end<T>(mut self, outcome: QueryResult<T>) -> QueryResult<T> {
        self.ended = true;
        match outcome {
            Ok(v) => self.conn.batch_execute("COMMIT").map(|_| v),
            Err(e) => {
                let _ = self.conn.batch_execute("ROLLBACK");
                Err(e)
            }
        }
    }
}

impl Drop for OpenTransaction<'_> {
    fn drop(&mut self) {
        if !self.ended {
            let _ = self.conn.batch_execute("ROLLBACK");
        }
    }
}

/// The database: a small pool plus the backend it talks to.
#[derive(Clone)]
pub struct Db {
    pool: Pool<Manager>,
    backend: Backend,
    /// Write transactions run by this process, committed or not (see `Index::writes`).
    writes: Arc<AtomicU64>,
}

pub(crate) fn failure(e: impl std::fmt::Display) -> PortError {
    PortError::Failure(format!("database: {e}"))
}

/// A unique-key violation is a conflict the caller can report (a duplicate); the rest are failures.
fn query_failure(e: diesel::result::Error) -> PortError {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            PortError::Conflict(info.message().to_owned())
        }
        e => failure(e),
    }
}

impl Db {
    /// Connects, then runs every pending migration of the backend.
    pub fn open(url: &str) -> PortResult<Self> {
        let backend = Backend::of(url);
        let size = if backend == Backend::Sqlite { 4 } else { 8 };
        let pool = Pool::builder()
            .max_size(size)
            .connection_timeout(Duration::from_secs(15))
            .build(Manager { url: url.to_owned(), backend })
            .map_err(failure)?;
        let db = Self { pool, backend, writes: Arc::default() };
        db.migrate()?;
        Ok(db)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    fn migrate(&self) -> PortResult<()> {
        let mut conn = self.conn()?;
        let done = match &mut *conn {
            DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
            DbConn::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
        };
        done.map_err(|e| PortError::Failure(format!("migrations: {e}")))
    }

    pub fn conn(&self) -> PortResult<PooledConnection<Manager>> {
        self.pool.get().map_err(failure)
    }

    /// Runs `f` in a write transaction. On SQLite it starts with `BEGIN IMMEDIATE`, taking the
    /// write lock up front so two writers queue on busy_timeout instead of deadlocking.
    pub fn write<T>(&self, f: impl FnOnce(&mut DbConn) -> QueryResult<T>) -> PortResult<T> {
        let mut pooled = self.conn()?;
        let conn: &mut DbConn = &mut pooled;
        let result = match self.backend {
            Backend::Sqlite => {
                conn.batch_execute("BEGIN IMMEDIATE").map_err(failure)?;
                let open = OpenTransaction { conn, ended: false };
                let outcome = f(open.conn);
                open.end(outcome)
            }
            Backend::Postgres => conn.transaction(f),
        };
        // After the transaction has ended, so a reader that sees the new count reads its result.
        self.writes.fetch_add(1, Ordering::Release);
        result.map_err(query_failure)
    }

    /// How many write transactions this process has run so far.
    pub fn write_count(&self) -> u64 {
        self.writes.load(Ordering::Acquire)
    }

    /// Runs a read.
    ///
    /// Single-row lookups here use `get_result` on a unique key, not `first`: `first` adds a bound
    /// `LIMIT ?`, and SQLite re-plans a statement whose LIMIT is a parameter every time it is bound
    /// again, which made each cached statement be prepared anew on every request.
    pub fn read<T>(&self, f: impl FnOnce(&mut DbConn) -> QueryResult<T>) -> PortResult<T> {
        let mut conn = self.conn()?;
        f(&mut conn).map_err(query_failure)
    }
}

/// The database as one organisation sees it. Every port of a quality system is implemented on
/// this, not on `Db`: each query it runs is filtered by `org` and each row it writes carries it,
/// so a use case holding one organisation's adapters cannot reach another's rows.
#[derive(Clone)]
pub struct OrgDb {
    pub(crate) db: Db,
    /// The organisation's id as stored in every `org_id` column.
    pub(crate) org: i32,
}

impl OrgDb {
    pub fn new(db: Db, org: OrgId) -> Self {
        Self { db, org: org.0 }
    }

    pub fn org(&self) -> OrgId {
        OrgId(self.org)
    }

    pub fn write<T>(&self, f: impl FnOnce(&mut DbConn) -> QueryResult<T>) -> PortResult<T> {
        self.db.write(f)
    }

    pub fn read<T>(&self, f: impl FnOnce(&mut DbConn) -> QueryResult<T>) -> PortResult<T> {
        self.db.read(f)
    }

    pub fn write_count(&self) -> u64 {
        self.db.write_count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A write whose closure panics leaves no connection of the pool inside its transaction.
    #[test]
    fn a_panicking_write_leaves_the_pool_usable() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path().join("t.sqlite3").to_str().unwrap()).unwrap();
        for _ in 0..4 {
            let db = db.clone();
            let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
                db.write(|c| -> QueryResult<()> {
                    c.batch_execute("CREATE TABLE IF NOT EXISTS half (x INTEGER)")?;
                    panic!("a bug inside a write");
                })
            }));
            assert!(panicked.is_err());
        }
        for i in 0..8 {
            db.write(|c| c.batch_execute(&format!("CREATE TABLE whole{i} (x INTEGER)"))).unwrap();
        }
        let kept: i64 = db
            .read(|c| {
                diesel::dsl::sql::<diesel::sql_types::BigInt>("SELECT count(*) FROM sqlite_master WHERE name = 'half'")
                    .get_result(c)
            })
            .unwrap();
        assert_eq!(kept, 0, "the panicked write was rolled back");
    }
}
