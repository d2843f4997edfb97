//! PostgreSQL: a pool of connections (deadpool-postgres over tokio-postgres), migrations
//! applied by one instance at a time, user rows and the update transaction, with the same
//! `users` table and behaviour as SQLite's (`sqlite.rs`). The login counters are the
//! library's `PostgresCounters`, over the same pool: its table is created with the
//! migrations.
//!
//! Rows are locked with `SELECT ... FOR UPDATE`, always in one order (by id), so concurrent
//! transactions of any number of instances queue instead of deadlocking; `lock_timeout` bounds
//! the wait (a 503 past it), for the login counters' row locks too.
//!
//! The statements a request runs are prepared once per connection (`prepare_cached`): `query`
//! with a string prepares it again every time, one more round trip to the server.

use std::str::FromStr;
use std::time::Duration;

use deadpool_postgres::{GenericClient, Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use safe_update::auth::PostgresCounters;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{NoTls, Row};

use super::{Build, DbError};
use crate::model::User;
use crate::precondition::IfMatch;
use crate::update::{check_and_apply, Apply, Sender, UpdateError};

/// Schema versions, applied in order; `schema_migrations` records those applied. The same
/// `users` and `articles` tables as SQLite's.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE users (
        id            BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        username      TEXT        NOT NULL UNIQUE,
        display_name  TEXT        NOT NULL,
        email         TEXT        NOT NULL,
        bio           TEXT,
        is_admin      BOOLEAN     NOT NULL DEFAULT FALSE,
        password_hash TEXT        NOT NULL,
        version       BIGINT      NOT NULL DEFAULT 1 CHECK (version >= 1),
        created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
    );",
    // The login counters of the demo's own limiter, which decided from `last`.
    "CREATE TABLE login_counters (
        key   TEXT        PRIMARY KEY,
        count INTEGER     NOT NULL,
        last  TIMESTAMPTZ NOT NULL
    );
    CREATE INDEX login_counters_last ON login_counters (last);",
    // Now the library's limiter keeps its counters in its own table (`PostgresCounters`,
    // created by its `migrate`). The old rows are dropped, not carried over: they live a
    // minute at most, and their keys are not the rules' (an IPv6 client without brackets, a
    // name unescaped). What that costs once: a client counted in the minute before the
    // upgrade starts afresh. An instance of the old version still running fails to count
    // from then on, and refuses its logins (503) until it is replaced.
    "DROP TABLE login_counters;",
    // The articles (`postgres_articles.rs`), the same table as SQLite's.
    "CREATE TABLE articles (
        id         BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        author     TEXT        NOT NULL REFERENCES users (username),
        title      TEXT        NOT NULL,
        body       TEXT        NOT NULL,
        tags       TEXT[]      NOT NULL DEFAULT '{}',
        status     TEXT        NOT NULL DEFAULT 'draft'
                   CHECK (status IN ('draft', 'published', 'archived')),
        version    BIGINT      NOT NULL DEFAULT 1 CHECK (version >= 1),
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );",
];

/// Any number taken by no other advisory lock of this database: migrations hold it.
const MIGRATION_LOCK: i64 = 0x5afe_0da7e;

/// Connections at most, per instance.
const POOL_SIZE: usize = 16;

/// How long a statement waits for a row lock, and a request for a connection.
const WAIT: Duration = Duration::from_secs(5);

/// A timestamp as RFC 3339 UTC with milliseconds, as SQLite's rows carry it.
macro_rules! rfc3339 {
    ($column:literal) => {
        concat!(
            "to_char(",
            $column,
            " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
        )
    };
}

// For the articles' statements (`postgres_articles.rs`): their times read as the users' do.
pub(super) use rfc3339;

pub(super) const COLUMNS: &str = concat!(
    "id, username, display_name, email, bio, is_admin, password_hash, version, ",
    rfc3339!("created_at"),
    ", ",
    rfc3339!("updated_at")
);

/// A pool of connections to one PostgreSQL database; cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
}

impl Db {
    /// Connects to the database at `url` and brings its schema up to date.
    pub async fn open(url: &str) -> Result<Db, DbError> {
        let mut config = tokio_postgres::Config::from_str(url)?;
        let lock_timeout = format!("-c lock_timeout={}", WAIT.as_millis());
        let options = match config.get_options() {
            Some(options) => format!("{options} {lock_timeout}"),
            None => lock_timeout,
        };
        config.options(&options);
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(WAIT))
            .create_timeout(Some(WAIT))
            .build()
            .map_err(|error| DbError::Pool(error.to_string()))?;
        let db = Db { pool };
        db.migrate().await?;
        // The login counters' table: the library's, created by the library.
        db.counters()
            .migrate()
            .await
            .map_err(DbError::LoginCounters)?;
        Ok(db)
    }

    /// The library's login counters in this database, over this pool
    /// (`safe_update::auth::PostgresCounters`; its table is created when the database is
    /// opened).
    pub fn counters(&self) -> PostgresCounters {
        PostgresCounters::new(self.pool.clone())
    }

    pub(super) async fn client(&self) -> Result<deadpool_postgres::Object, DbError> {
        self.pool
            .get()
            .await
            .map_err(|error| DbError::Pool(error.to_string()))
    }

    async fn migrate(&self) -> Result<(), DbError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // Instances started together: one migrates, the others wait here, then find it done.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER     PRIMARY KEY,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )",
        )
        .await?;
        let applied: i64 = tx
            .query_one("SELECT count(*) FROM schema_migrations", &[])
            .await?
            .get(0);
        for (number, sql) in MIGRATIONS.iter().enumerate().skip(applied as usize) {
            tx.batch_execute(sql).await?;
            let version = number as i32 + 1;
            tx.execute(
                "INSERT INTO schema_migrations (version) VALUES ($1)",
                &[&version],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The user called `username`, if any.
    pub async fn user(&self, username: &str) -> Result<Option<User>, DbError> {
        let client = self.client().await?;
        let sql = format!("SELECT {COLUMNS} FROM users WHERE username = $1");
        let statement = client.prepare_cached(&sql).await?;
        let row = client.query_opt(&statement, &[&username]).await?;
        Ok(row.as_ref().map(user_from_row))
    }

    /// Number of users.
    pub async fn count_users(&self) -> Result<u64, DbError> {
        let client = self.client().await?;
        let count: i64 = client
            .query_one("SELECT count(*) FROM users", &[])
            .await?
            .get(0);
        Ok(count as u64)
    }

    /// Creates a user; `None` when the name is taken.
    pub async fn insert_user(
        &self,
        username: &str,
        is_admin: bool,
        password_hash: &str,
    ) -> Result<Option<User>, DbError> {
        let client = self.client().await?;
        let sql = format!(
            "INSERT INTO users (username, display_name, email, is_admin, password_hash) \
             VALUES ($1, $1, $1 || '@example.org', $2, $3) \
             ON CONFLICT (username) DO NOTHING RETURNING {COLUMNS}"
        );
        let row = client
            .query_opt(&sql, &[&username, &is_admin, &password_hash])
            .await?;
        Ok(row.as_ref().map(user_from_row))
    }

    /// A user created for `creator` in one transaction
    /// ([`Database::create_user`](super::Database::create_user)). The creator's row is read
    /// `FOR SHARE`: a demotion (an update, which locks the row `FOR UPDATE` first) waits until
    /// this insert commits, and this read waits for a demotion under way, so the user is built
    /// with the roles of the moment of the insert. Creations by one admin share the lock and do
    /// not wait for each other.
    pub async fn create_as(
        &self,
        creator: &str,
        build: Build,
    ) -> Result<Option<User>, UpdateError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let sql = format!("SELECT {COLUMNS} FROM users WHERE username = $1 FOR SHARE");
        let statement = tx.prepare_cached(&sql).await?;
        let creator_now = tx.query_opt(&statement, &[&creator]).await?;
        let user = build(creator_now.as_ref().map(user_from_row))?;
        let created = create_user(&tx, &user).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Replaces a user's password hash; `false` when there is no such user.
    pub async fn set_password(&self, username: &str, hash: &str) -> Result<bool, DbError> {
        let client = self.client().await?;
        let sql = "UPDATE users SET password_hash = $2 WHERE username = $1";
        Ok(client.execute(sql, &[&username, &hash]).await? == 1)
    }

    /// One update in one transaction ([`crate::update`]): the sender's and the target's rows
    /// are locked (in id order) before they are read.
    pub async fn update(
        &self,
        sender: &Sender,
        target: &str,
        apply: Apply,
        if_match: Option<&IfMatch>,
    ) -> Result<(User, Vec<&'static str>), UpdateError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let names = [sender.name.as_str(), target];
        let sql =
            format!("SELECT {COLUMNS} FROM users WHERE username = ANY($1) ORDER BY id FOR UPDATE");
        let statement = tx.prepare_cached(&sql).await?;
        let rows = tx.query(&statement, &[&&names[..]]).await?;
        let users: Vec<User> = rows.iter().map(user_from_row).collect();
        let find = |name: &str| users.iter().find(|user| user.username == name).cloned();
        let (sender_now, target_now) = (find(&sender.name), find(target));
        let (mut user, changed) = check_and_apply(sender, sender_now, target_now, apply, if_match)?;
        if !changed.is_empty() {
            write_changes(&tx, &mut user, &changed).await?;
            tx.commit().await?;
        }
        Ok((user, changed))
    }
}

/// Stores a user built from a create input: the database assigns the id and stamps both times;
/// `None` when the user name is taken.
async fn create_user(client: &impl GenericClient, user: &User) -> Result<Option<User>, DbError> {
    let sql = format!(
        "INSERT INTO users (username, display_name, email, bio, is_admin, password_hash, \
         version) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (username) DO NOTHING RETURNING {COLUMNS}"
    );
    let version = i64::try_from(user.version).unwrap_or(i64::MAX);
    let statement = client.prepare_cached(&sql).await?;
    let row = client
        .query_opt(
            &statement,
            &[
                &user.username,
                &user.display_name,
                &user.email,
                &user.bio,
                &user.is_admin,
                &user.password_hash,
                &version,
            ],
        )
        .await?;
    Ok(row.as_ref().map(user_from_row))
}

pub(super) fn user_from_row(row: &Row) -> User {
    User {
        id: row.get(0),
        username: row.get(1),
        display_name: row.get(2),
        email: row.get(3),
        bio: row.get(4),
        is_admin: row.get(5),
        password_hash: row.get(6),
        version: row.get::<_, i64>(7) as u64,
        created_at: row.get(8),
        updated_at: row.get(9),
    }
}

/// Writes the `changed` client-writable columns of `user`, bumps `version` and `updated_at`,
/// and stores the new values of those two back in `user`.
async fn write_changes(
    client: &impl GenericClient,
    user: &mut User,
    changed: &[&str],
) -> Result<(), DbError> {
    let writable: [(&str, &(dyn ToSql + Sync)); 4] = [
        ("display_name", &user.display_name),
        ("email", &user.email),
        ("bio", &user.bio),
        ("is_admin", &user.is_admin),
    ];
    let (version, updated_at) =
        update_versioned_row(client, "users", user.id, &writable, changed).await?;
    user.version = version;
    user.updated_at = updated_at;
    Ok(())
}

/// One `UPDATE` of the row `id` of `table` (users or articles, whose rows are versioned alike):
/// sets each of the `changed` columns to its value in `writable`, bumps `version` and stamps
/// `updated_at`; the row's new `version` and `updated_at`.
///
/// `changed` comes from the derive, which lists the patch's fields: a name that is not in
/// `writable` is refused (a server-only column such as `password_hash` is never written from
/// a patch) rather than put in the SQL. `table` is a name of this crate's, never a client's.
pub(super) async fn update_versioned_row(
    client: &impl GenericClient,
    table: &'static str,
    id: i64,
    writable: &[(&str, &(dyn ToSql + Sync))],
    changed: &[&str],
) -> Result<(u64, String), DbError> {
    let mut sets = Vec::with_capacity(changed.len() + 2);
    let mut values: Vec<&(dyn ToSql + Sync)> = vec![&id];
    for &column in changed {
        let (_, value) = writable
            .iter()
            .find(|(name, _)| *name == column)
            .ok_or_else(|| DbError::Column(column.to_owned()))?;
        values.push(*value);
        sets.push(format!("{column} = ${}", values.len()));
    }
    sets.push("version = version + 1".into());
    sets.push("updated_at = now()".into());
    let sql = format!(
        "UPDATE {table} SET {} WHERE id = $1 RETURNING version, {}",
        sets.join(", "),
        rfc3339!("updated_at")
    );
    let statement = client.prepare_cached(&sql).await?;
    let row = client.query_one(&statement, &values).await?;
    Ok((row.get::<_, i64>(0) as u64, row.get(1)))
}

/// Whether trying again may succeed: a lock or a connection not had in time, a conflict the
/// server resolved by cancelling, a server going away.
pub fn is_transient(error: &tokio_postgres::Error) -> bool {
    if error.is_closed() {
        return true;
    }
    let transient = [
        SqlState::T_R_SERIALIZATION_FAILURE,
        SqlState::T_R_DEADLOCK_DETECTED,
        SqlState::LOCK_NOT_AVAILABLE,
        SqlState::QUERY_CANCELED,
        SqlState::TOO_MANY_CONNECTIONS,
        SqlState::ADMIN_SHUTDOWN,
        SqlState::CANNOT_CONNECT_NOW,
    ];
    error.code().is_some_and(|code| transient.contains(code))
}
