//! SQLite: opening (WAL, full sync), migrations, one writer and a small pool of readers, user
//! rows and the update transaction. The login counters' table is read and written by
//! `sqlite_counters.rs`.
//!
//! Every call here blocks; [`Database`](super::Database) runs them on tokio's blocking pool.
//!
//! Writes go through one connection behind a mutex ([`Db::write`]): concurrent writers of this
//! process wait on the mutex and are woken when it is released. Without it they would collide
//! on SQLite's write lock at `BEGIN IMMEDIATE`, whose busy handler sleeps in growing steps (up
//! to 100 ms) instead of waking when the lock is free: hundreds of milliseconds at p99 under
//! load. `busy_timeout` stays for other processes (the CLI) that write to the same file.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, Row, ToSql, TransactionBehavior};

use super::Build;
use crate::model::User;
use crate::precondition::IfMatch;
use crate::update::{check_and_apply, Apply, Sender, UpdateError};

/// Schema versions, applied in order; `PRAGMA user_version` counts those applied. The same
/// `users` and `articles` tables as PostgreSQL's (`postgres.rs`); the login counters' table is this file's
/// own (on PostgreSQL, the library's `PostgresCounters` keeps its table).
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE users (
        id            INTEGER PRIMARY KEY,
        username      TEXT    NOT NULL UNIQUE,
        display_name  TEXT    NOT NULL,
        email         TEXT    NOT NULL,
        bio           TEXT,
        is_admin      INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
        password_hash TEXT    NOT NULL,
        version       INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
        created_at    TEXT    NOT NULL,
        updated_at    TEXT    NOT NULL
    ) STRICT;",
    // The login counters of the demo's own limiter, which decided from `last`.
    "CREATE TABLE login_counters (
        key   TEXT    PRIMARY KEY,
        count INTEGER NOT NULL,
        last  REAL    NOT NULL
    ) STRICT;
    CREATE INDEX login_counters_last ON login_counters (last);",
    // The login counters of the library's limiter rules over this file (`sqlite_counters.rs`):
    // each expires at `expires`, in seconds since the Unix epoch. The old rows are dropped,
    // not carried over: they live a minute at most, and their keys are not the rules' (an
    // IPv6 client without brackets, a name unescaped). What that costs once: a client counted
    // in the minute before the upgrade starts afresh, as after a restart of an in-memory
    // limiter.
    "DROP TABLE login_counters;
    CREATE TABLE login_counters (
        key     TEXT    PRIMARY KEY,
        count   INTEGER NOT NULL CHECK (count >= 1),
        expires REAL    NOT NULL
    ) STRICT;
    CREATE INDEX login_counters_expires ON login_counters (expires);",
    // The articles (`sqlite_articles.rs`), the same table as PostgreSQL's: `tags` a JSON array
    // of text, `status` one of the three names. (SQLite enforces the reference only with
    // `PRAGMA foreign_keys`; it says what `author` is.)
    "CREATE TABLE articles (
        id         INTEGER PRIMARY KEY,
        author     TEXT    NOT NULL REFERENCES users (username),
        title      TEXT    NOT NULL,
        body       TEXT    NOT NULL,
        tags       TEXT    NOT NULL DEFAULT '[]'
                   CHECK (json_valid(tags) AND json_type(tags) = 'array'),
        status     TEXT    NOT NULL DEFAULT 'draft'
                   CHECK (status IN ('draft', 'published', 'archived')),
        version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
        created_at TEXT    NOT NULL,
        updated_at TEXT    NOT NULL
    ) STRICT;",
];

/// Current time as RFC 3339 UTC with milliseconds, computed by SQLite.
pub(super) const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/// Current time in seconds since the Unix epoch, computed by SQLite.
pub const EPOCH_NOW: &str = "((julianday('now') - 2440587.5) * 86400.0)";

/// Connections kept open between calls; more are opened under load and closed after.
const MAX_IDLE: usize = 4;

/// The database file, its writer connection and a few open reader connections.
pub struct Db {
    path: PathBuf,
    writer: Mutex<Connection>,
    idle: Mutex<Vec<Connection>>,
}

impl Db {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> rusqlite::Result<Db> {
        let mut conn = connect(path)?;
        // WAL is a property of the file: readers never block the one writer.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        migrate(&mut conn)?;
        Ok(Db {
            path: path.to_owned(),
            writer: Mutex::new(conn),
            idle: Mutex::new(Vec::new()),
        })
    }

    /// Runs `f` with the writer connection, one caller at a time: for every write transaction
    /// (updates, user creation, new passwords). Callers wait here, in turn, rather than in
    /// SQLite's busy handler.
    ///
    /// A transaction `f` leaves open (an error between `BEGIN` and `COMMIT` without a
    /// rollback) is rolled back before the next caller gets the connection.
    pub fn write<T, E: From<rusqlite::Error>>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, E>,
    ) -> Result<T, E> {
        // A panic in `f` unwinds through rusqlite's `Transaction`, which rolls back on drop.
        let mut conn = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let result = f(&mut conn);
        if !conn.is_autocommit() {
            conn.execute_batch("ROLLBACK")?;
        }
        result
    }

    /// Runs `f` with a reader connection of the pool (it may write, outside the writer's
    /// queue: use [`Db::write`] for writes).
    pub fn with<T, E: From<rusqlite::Error>>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, E>,
    ) -> Result<T, E> {
        let pooled = self.idle().pop();
        let mut conn = match pooled {
            Some(conn) => conn,
            None => connect(&self.path)?,
        };
        let result = f(&mut conn);
        let mut idle = self.idle();
        if idle.len() < MAX_IDLE {
            idle.push(conn);
        }
        result
    }

    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn connect(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    // FULL: a committed update survives a crash of the process and of the machine.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.busy_timeout(Duration::from_secs(5))?;
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let applied: usize = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
    for (number, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", number + 1)?;
    }
    tx.commit()
}

const COLUMNS: &str = "id, username, display_name, email, bio, is_admin, password_hash, \
                       version, created_at, updated_at";

fn user_from_row(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        username: row.get(1)?,
        display_name: row.get(2)?,
        email: row.get(3)?,
        bio: row.get(4)?,
        is_admin: row.get(5)?,
        password_hash: row.get(6)?,
        version: row.get(7)?,
        created_at: row.get(8)?,
        updated_at: row.get(9)?,
    })
}

/// The user called `username`, if any.
pub fn user_by_name(conn: &Connection, username: &str) -> rusqlite::Result<Option<User>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM users WHERE username = ?1"),
        [username],
        user_from_row,
    )
    .optional()
}

/// Number of users.
pub fn count_users(conn: &Connection) -> rusqlite::Result<u64> {
    conn.query_row("SELECT count(*) FROM users", [], |row| row.get(0))
}

/// Creates a user; `None` when the name is taken.
pub fn insert_user(
    conn: &Connection,
    username: &str,
    is_admin: bool,
    password_hash: &str,
) -> rusqlite::Result<Option<User>> {
    let sql = format!(
        "INSERT INTO users (username, display_name, email, is_admin, password_hash, \
         created_at, updated_at) VALUES (?1, ?1, ?1 || '@example.org', ?2, ?3, {NOW}, {NOW}) \
         ON CONFLICT (username) DO NOTHING RETURNING {COLUMNS}"
    );
    conn.query_row(
        &sql,
        params![username, is_admin, password_hash],
        user_from_row,
    )
    .optional()
}

/// Stores a user built from a create input: the database assigns the id and stamps both
/// times; `None` when the user name is taken.
pub fn create_user(conn: &Connection, user: &User) -> rusqlite::Result<Option<User>> {
    let sql = format!(
        "INSERT INTO users (username, display_name, email, bio, is_admin, password_hash, \
         version, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, {NOW}, {NOW}) \
         ON CONFLICT (username) DO NOTHING RETURNING {COLUMNS}"
    );
    let values = params![
        user.username,
        user.display_name,
        user.email,
        user.bio,
        user.is_admin,
        user.password_hash,
        user.version,
    ];
    conn.query_row(&sql, values, user_from_row).optional()
}

/// A user created for `creator` in one `BEGIN IMMEDIATE` transaction on the writer connection
/// ([`Database::create_user`](super::Database::create_user)): the write lock is taken before
/// the creator's row is read, so its roles cannot change until the user is stored.
pub fn create_as(db: &Db, creator: &str, build: Build) -> Result<Option<User>, UpdateError> {
    db.write(|conn| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let user = build(user_by_name(&tx, creator)?)?;
        let created = create_user(&tx, &user)?;
        tx.commit()?;
        Ok(created)
    })
}

/// Replaces a user's password hash; `false` when there is no such user.
pub fn set_password(conn: &Connection, username: &str, hash: &str) -> rusqlite::Result<bool> {
    let sql = "UPDATE users SET password_hash = ?2 WHERE username = ?1";
    Ok(conn.execute(sql, params![username, hash])? == 1)
}

/// Writes the `changed` client-writable columns of `user` (from `Applied::changed_top_level`),
/// bumps `version` and `updated_at`, and stores the new values of those two back in `user`.
pub fn write_changes(conn: &Connection, user: &mut User, changed: &[&str]) -> rusqlite::Result<()> {
    let writable: [(&str, &dyn ToSql); 4] = [
        ("display_name", &user.display_name),
        ("email", &user.email),
        ("bio", &user.bio),
        ("is_admin", &user.is_admin),
    ];
    let (version, updated_at) = update_versioned_row(conn, "users", user.id, &writable, changed)?;
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
pub(super) fn update_versioned_row(
    conn: &Connection,
    table: &'static str,
    id: i64,
    writable: &[(&str, &dyn ToSql)],
    changed: &[&str],
) -> rusqlite::Result<(u64, String)> {
    let mut sets = Vec::with_capacity(changed.len() + 2);
    let mut values: Vec<&dyn ToSql> = vec![&id];
    for &column in changed {
        let (_, value) = writable
            .iter()
            .find(|(name, _)| *name == column)
            .ok_or_else(|| rusqlite::Error::InvalidColumnName(column.into()))?;
        values.push(*value);
        sets.push(format!("{column} = ?{}", values.len()));
    }
    sets.push("version = version + 1".into());
    sets.push(format!("updated_at = {NOW}"));
    let sql = format!(
        "UPDATE {table} SET {} WHERE id = ?1 RETURNING version, updated_at",
        sets.join(", ")
    );
    conn.query_row(&sql, values.as_slice(), |row| {
        Ok((row.get(0)?, row.get(1)?))
    })
}

/// One update in one `BEGIN IMMEDIATE` transaction on the writer connection ([`crate::update`]):
/// SQLite's write lock is taken before the reads, so the rows cannot change until commit.
pub fn update(
    db: &Db,
    sender: &Sender,
    target: &str,
    apply: Apply,
    if_match: Option<&IfMatch>,
) -> Result<(User, Vec<&'static str>), UpdateError> {
    db.write(|conn| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let sender_now = user_by_name(&tx, &sender.name)?;
        let target_now = if target == sender.name {
            sender_now.clone()
        } else {
            user_by_name(&tx, target)?
        };
        let (mut user, changed) = check_and_apply(sender, sender_now, target_now, apply, if_match)?;
        if !changed.is_empty() {
            write_changes(&tx, &mut user, &changed)?;
            tx.commit()?;
        }
        Ok((user, changed))
    })
}
