//! The database: an embedded SQLite file (the default) or a PostgreSQL server, behind one
//! interface, which is all the routes, the authenticator's store and the CLI use. Each backend
//! is a module of its own with the same functions; what an update decides is shared
//! ([`crate::update`]). The login limiter's counters are the database's too, by default
//! ([`crate::limiter`]): on SQLite in a table of the file ([`sqlite_counters`]), on
//! PostgreSQL in the library's `PostgresCounters` over the same pool.
//!
//! SQLite calls block: they run on tokio's blocking pool. PostgreSQL's are async, over a pool
//! of connections.

mod articles;
pub mod postgres;
mod postgres_articles;
pub mod sqlite;
mod sqlite_articles;
pub mod sqlite_counters;
mod url;

use std::fmt;
use std::sync::Arc;

use safe_update::auth::PostgresCountersError;

use crate::model::User;
use crate::precondition::IfMatch;
use crate::update::{Apply, Sender, UpdateError};

pub use url::DatabaseUrl;

/// A database error of either backend.
#[derive(Debug)]
pub enum DbError {
    /// SQLite failed.
    Sqlite(rusqlite::Error),
    /// PostgreSQL failed.
    Postgres(tokio_postgres::Error),
    /// No PostgreSQL connection could be had from the pool.
    Pool(String),
    /// The blocking pool is gone (the server is shutting down).
    Blocking(String),
    /// A column no model field maps to (a bug: the derive names only writable fields).
    Column(String),
    /// The library's login counters could not create their table in PostgreSQL.
    LoginCounters(PostgresCountersError),
}

impl DbError {
    /// Whether trying again soon may succeed (503), rather than the database being broken
    /// (500): a lock not granted in time, a lost connection, an exhausted pool.
    pub fn is_transient(&self) -> bool {
        match self {
            DbError::Sqlite(error) => matches!(
                error.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            ),
            DbError::Postgres(error) => postgres::is_transient(error),
            DbError::Pool(_) | DbError::Blocking(_) => true,
            DbError::Column(_) | DbError::LoginCounters(_) => false,
        }
    }
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbError::Sqlite(error) => write!(f, "sqlite: {error}"),
            DbError::Postgres(error) => write!(f, "postgres: {error}"),
            DbError::Pool(error) => write!(f, "postgres pool: {error}"),
            DbError::Blocking(error) => write!(f, "blocking pool: {error}"),
            DbError::Column(column) => write!(f, "no writable column {column:?}"),
            DbError::LoginCounters(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for DbError {}

impl From<rusqlite::Error> for DbError {
    fn from(error: rusqlite::Error) -> Self {
        DbError::Sqlite(error)
    }
}

impl From<tokio_postgres::Error> for DbError {
    fn from(error: tokio_postgres::Error) -> Self {
        DbError::Postgres(error)
    }
}

impl From<rusqlite::Error> for UpdateError {
    fn from(error: rusqlite::Error) -> Self {
        UpdateError::Db(DbError::Sqlite(error))
    }
}

impl From<tokio_postgres::Error> for UpdateError {
    fn from(error: tokio_postgres::Error) -> Self {
        UpdateError::Db(DbError::Postgres(error))
    }
}

/// Builds the user `POST /users` stores from its creator's row as the inserting transaction
/// reads it (`None`: the creator is gone): the roles that decide are those of the moment of the
/// insert, as an update's are ([`crate::update`]). An error is answered as it is.
pub type Build = Box<dyn FnOnce(Option<User>) -> Result<User, UpdateError> + Send>;

/// The database, of either backend; cheap to clone.
#[derive(Clone)]
pub enum Database {
    /// An SQLite file.
    Sqlite(Arc<sqlite::Db>),
    /// A PostgreSQL pool.
    Postgres(postgres::Db),
}

/// Runs blocking SQLite work on tokio's blocking pool.
async fn blocking<T: Send + 'static, E: From<DbError> + Send + 'static>(
    work: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, E> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| E::from(DbError::Blocking(error.to_string())))?
}

impl Database {
    /// Opens the database at `url` (an SQLite file is created if missing) and applies the
    /// migrations it lacks.
    pub async fn open(url: &DatabaseUrl) -> Result<Database, String> {
        match url {
            DatabaseUrl::Sqlite(path) => {
                let path = path.clone();
                let opened = tokio::task::spawn_blocking(move || sqlite::Db::open(&path))
                    .await
                    .map_err(|error| error.to_string())?;
                let db = opened.map_err(|error| format!("cannot open {url}: {error}"))?;
                Ok(Database::Sqlite(Arc::new(db)))
            }
            DatabaseUrl::Postgres(address) => postgres::Db::open(address)
                .await
                .map(Database::Postgres)
                .map_err(|error| format!("cannot open {url}: {error}")),
        }
    }

    /// The user called `username`, if any.
    pub async fn user(&self, username: &str) -> Result<Option<User>, DbError> {
        match self {
            Database::Sqlite(db) => {
                let (db, username) = (Arc::clone(db), username.to_owned());
                blocking(move || Ok(db.with(|conn| sqlite::user_by_name(conn, &username))?)).await
            }
            Database::Postgres(db) => db.user(username).await,
        }
    }

    /// Number of users.
    pub async fn count_users(&self) -> Result<u64, DbError> {
        match self {
            Database::Sqlite(db) => {
                let db = Arc::clone(db);
                blocking(move || Ok(db.with(|conn| sqlite::count_users(conn))?)).await
            }
            Database::Postgres(db) => db.count_users().await,
        }
    }

    /// Creates a user; `None` when the name is taken.
    pub async fn insert_user(
        &self,
        username: &str,
        is_admin: bool,
        password_hash: &str,
    ) -> Result<Option<User>, DbError> {
        match self {
            Database::Sqlite(db) => {
                let (db, username) = (Arc::clone(db), username.to_owned());
                let hash = password_hash.to_owned();
                blocking(move || {
                    Ok(db.write(|conn| sqlite::insert_user(conn, &username, is_admin, &hash))?)
                })
                .await
            }
            Database::Postgres(db) => db.insert_user(username, is_admin, password_hash).await,
        }
    }

    /// Creates a user for `creator` (`POST /users`) in one transaction: reads the creator's row
    /// (on PostgreSQL under a share lock, which a demotion waits for), builds the user from it
    /// with `build` (the creator's roles of this moment), stores it. The database assigns the
    /// id and stamps both times. `None` when the user name is taken; `build`'s error as it is,
    /// nothing written.
    pub async fn create_user(
        &self,
        creator: &str,
        build: Build,
    ) -> Result<Option<User>, UpdateError> {
        match self {
            Database::Sqlite(db) => {
                let (db, creator) = (Arc::clone(db), creator.to_owned());
                blocking(move || sqlite::create_as(&db, &creator, build)).await
            }
            Database::Postgres(db) => db.create_as(creator, build).await,
        }
    }

    /// Replaces a user's password hash; `false` when there is no such user.
    pub async fn set_password(&self, username: &str, hash: &str) -> Result<bool, DbError> {
        match self {
            Database::Sqlite(db) => {
                let (db, username, hash) = (Arc::clone(db), username.to_owned(), hash.to_owned());
                blocking(move || Ok(db.write(|conn| sqlite::set_password(conn, &username, &hash))?))
                    .await
            }
            Database::Postgres(db) => db.set_password(username, hash).await,
        }
    }

    /// Applies a patch for `sender` to the user called `target` in one transaction
    /// ([`crate::update`]). Returns the user as stored and the columns that changed (none:
    /// nothing written, `version` kept).
    pub async fn update(
        &self,
        sender: Sender,
        target: String,
        apply: Apply,
        if_match: Option<IfMatch>,
    ) -> Result<(User, Vec<&'static str>), UpdateError> {
        match self {
            Database::Sqlite(db) => {
                let db = Arc::clone(db);
                blocking(move || sqlite::update(&db, &sender, &target, apply, if_match.as_ref()))
                    .await
            }
            Database::Postgres(db) => db.update(&sender, &target, apply, if_match.as_ref()).await,
        }
    }
}
