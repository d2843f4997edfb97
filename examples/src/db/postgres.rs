//! PostgreSQL: a pool of connections (deadpool-postgres over tokio-postgres), migrations
//! applied by one instance at a time, user rows, the update transaction and the login
//! counters, with the same tables and behaviour as SQLite's (`sqlite.rs`).
//!
//! Rows are locked with `SELECT ... FOR UPDATE`, always in one order (by id for users, by key
//! for counters), so concurrent transactions of any number of instances queue instead of
//! deadlocking; `lock_timeout` bounds the wait (a 503 past it).
//!
//! The statements a request runs are prepared once per connection (`prepare_cached`): `query`
//! with a string prepares it again every time, one more round trip to the server.

use std::str::FromStr;
use std::time::Duration;

use deadpool_postgres::{GenericClient, Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use safe_update::auth::{Limits, Outcome};
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{NoTls, Row};

use super::{Build, DbError};
use crate::model::User;
use crate::precondition::IfMatch;
use crate::throttle::{self, Counter, Key, Write};
use crate::update::{check_and_apply, Apply, Sender, UpdateError};

/// Schema versions, applied in order; `schema_migrations` records those applied. The same
/// tables as SQLite's.
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
    // The login limiter's counters (`throttle.rs`).
    "CREATE TABLE login_counters (
        key   TEXT        PRIMARY KEY,
        count INTEGER     NOT NULL,
        last  TIMESTAMPTZ NOT NULL
    );
    CREATE INDEX login_counters_last ON login_counters (last);",
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

const COLUMNS: &str = concat!(
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
        Ok(db)
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, DbError> {
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

    /// Counts a login attempt under `keys`, all or none ([`crate::throttle`]): their rows are
    /// created if missing and locked (in key order) in one statement each, checked, written,
    /// in one transaction. Forgets counters older than the window that no other transaction
    /// holds.
    pub async fn reserve_login(
        &self,
        keys: &[Key],
        limits: &Limits,
    ) -> Result<Result<(), Duration>, DbError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let mut counters = Vec::with_capacity(keys.len());
        for key in keys {
            counters.push(lock_counter(&tx, key).await?);
        }
        let writes = match throttle::reserve(limits, keys, &counters) {
            Ok(writes) => writes,
            Err(wait) => return Ok(Err(wait)),
        };
        write_counters(&tx, keys, &writes, true).await?;
        // SKIP LOCKED: never wait for (nor deadlock with) another reservation's rows.
        tx.execute(
            "DELETE FROM login_counters WHERE key IN (SELECT key FROM login_counters \
             WHERE last < now() - make_interval(secs => $1) FOR UPDATE SKIP LOCKED)",
            &[&limits.window.as_secs_f64()],
        )
        .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Settles a counted login attempt under `keys` ([`crate::throttle`]).
    pub async fn settle_login(&self, keys: &[Key], outcome: Outcome) -> Result<(), DbError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let counters = counters(&tx, keys).await?;
        let writes = throttle::settle(outcome, keys, &counters);
        write_counters(&tx, keys, &writes, false).await?;
        tx.commit().await?;
        Ok(())
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

fn user_from_row(row: &Row) -> User {
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
    let mut sets = Vec::with_capacity(changed.len() + 2);
    let mut values: Vec<&(dyn ToSql + Sync)> = vec![&user.id];
    for &column in changed {
        // Column names come from the derive; only the writable ones are mapped to values.
        let value: &(dyn ToSql + Sync) = match column {
            "display_name" => &user.display_name,
            "email" => &user.email,
            "bio" => &user.bio,
            "is_admin" => &user.is_admin,
            other => return Err(DbError::Column(other.to_owned())),
        };
        values.push(value);
        sets.push(format!("{column} = ${}", values.len()));
    }
    sets.push("version = version + 1".into());
    sets.push("updated_at = now()".into());
    let sql = format!(
        "UPDATE users SET {} WHERE id = $1 RETURNING version, {}",
        sets.join(", "),
        rfc3339!("updated_at")
    );
    let statement = client.prepare_cached(&sql).await?;
    let row = client.query_one(&statement, &values).await?;
    user.version = row.get::<_, i64>(0) as u64;
    user.updated_at = row.get(1);
    Ok(())
}

/// The counter of `key` (`None` when it had no row), its row created if missing and locked
/// until the transaction ends, in one statement. A created row holds count 0 until the
/// reservation writes it, and is given to [`throttle::reserve`] as no row, as SQLite's missing
/// one is (no other write leaves a count of 0).
///
/// An upsert, not an insert that skips an existing row and then a `SELECT ... FOR UPDATE`:
/// between those two, another reservation's cleanup could delete the (expired) row, the
/// `SELECT` would find nothing, the `UPDATE` that counts the attempt would change no row, and
/// the check would go uncounted. `ON CONFLICT DO UPDATE` locks the row it finds, and when that
/// row is deleted while it waits for its lock, inserts again: the statement always returns a
/// row, and this transaction holds it until it ends. (The no-op `SET` costs one more row
/// version per key; the reservation writes the row again anyway.)
async fn lock_counter(client: &impl GenericClient, key: &Key) -> Result<Option<Counter>, DbError> {
    let statement = client
        .prepare_cached(
            "INSERT INTO login_counters AS counter (key, count, last) VALUES ($1, 0, now()) \
             ON CONFLICT (key) DO UPDATE SET count = counter.count \
             RETURNING counter.count, greatest(0, extract(epoch FROM now() - counter.last))::float8",
        )
        .await?;
    let row = client.query_one(&statement, &[&key.name]).await?;
    let count = row.get::<_, i32>(0) as u32;
    Ok((count > 0).then(|| Counter {
        count,
        age: Duration::from_secs_f64(row.get(1)),
    }))
}

/// The counters of `keys`, their rows locked in key order.
async fn counters(
    client: &impl GenericClient,
    keys: &[Key],
) -> Result<Vec<Option<Counter>>, DbError> {
    let names: Vec<&str> = keys.iter().map(|key| key.name.as_str()).collect();
    let statement = client
        .prepare_cached(
            "SELECT key, count, greatest(0, extract(epoch FROM now() - last))::float8 \
             FROM login_counters WHERE key = ANY($1) ORDER BY key FOR UPDATE",
        )
        .await?;
    let rows = client.query(&statement, &[&names]).await?;
    Ok(keys
        .iter()
        .map(|key| {
            let row = rows.iter().find(|row| row.get::<_, &str>(0) == key.name)?;
            Some(Counter {
                count: row.get::<_, i32>(1) as u32,
                age: Duration::from_secs_f64(row.get(2)),
            })
        })
        .collect())
}

/// Writes the counters' rows (locked by [`counters`]); `touch`: a `Set` also makes now their
/// last attempt.
async fn write_counters(
    client: &impl GenericClient,
    keys: &[Key],
    writes: &[Write],
    touch: bool,
) -> Result<(), DbError> {
    for (key, write) in keys.iter().zip(writes) {
        match write {
            Write::Set(count) => {
                let sql = if touch {
                    "UPDATE login_counters SET count = $2, last = now() WHERE key = $1"
                } else {
                    "UPDATE login_counters SET count = $2 WHERE key = $1"
                };
                client.execute(sql, &[&key.name, &(*count as i32)]).await?;
            }
            Write::Delete => {
                let sql = "DELETE FROM login_counters WHERE key = $1";
                client.execute(sql, &[&key.name]).await?;
            }
            Write::Keep => {}
        }
    }
    Ok(())
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
