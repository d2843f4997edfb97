//! The login counters in a PostgreSQL table, so that every instance on one database counts
//! against the same limits (feature `limiter-postgres`).
//!
//! Each operation is one transaction that locks the rows of its keys, always in byte order
//! of the key (the key column collates as `"C"`, which is the order of Rust's `str`), so that
//! concurrent transactions of any number of instances queue behind each other instead of
//! deadlocking. Time is the database's `now()`.

use std::error::Error;
use std::fmt;
use std::time::Duration;

use deadpool_postgres::{Pool, PoolError};

use super::counters::{Cap, Counted, CounterStore, MAX_KEY_BYTES};

/// The table [`PostgresCounters`] keeps its counters in.
const TABLE: &str = "safe_update_login_counters";

/// Held by [`PostgresCounters::migrate`] while it creates the table, so that instances
/// started together do not race on `CREATE TABLE IF NOT EXISTS` (which can fail with a
/// unique violation when two run at once); any number no other advisory lock uses.
const MIGRATION_LOCK: i64 = 0x5afe_c00e_7e75;

/// How many expired rows a count deletes at most, besides writing its own: enough that rows
/// of keys never seen again cannot pile up (a count adds at most as many rows as it has
/// caps), few enough that one count never pays for a long idle period at once.
const CLEANUP_BATCH: i64 = 100;

/// Creates (or locks) the row of one key and reads whether it is live, its count and how
/// long it lives on.
///
/// An upsert rather than an insert that skips an existing row followed by a `SELECT ...
/// FOR UPDATE`: between those two, another transaction's cleanup could delete the (expired)
/// row, the `SELECT` would find nothing, the `UPDATE` that counts the attempt would change no
/// row, and the check would go uncounted. `ON CONFLICT DO UPDATE` locks the row it finds, and
/// when that row is deleted while it waits for the lock, inserts again: the statement always
/// returns a row that this transaction holds until it ends. A row it creates holds count 0
/// and is already expired (so it reads as absent); the count writes it, or the transaction
/// rolls it back.
const LOCK_ROW: &str = "INSERT INTO safe_update_login_counters AS counter (key, count, expires) \
     VALUES ($1, 0, now()) \
     ON CONFLICT (key) DO UPDATE SET count = counter.count \
     RETURNING counter.expires > now(), counter.count, \
     greatest(0, extract(epoch FROM counter.expires - now()))::float8";

/// Counts one attempt in each locked row of `$1`: a live counter goes up by one, an expired
/// (or just created) one starts again at 1; each lives `$2` seconds from now.
const COUNT_ROWS: &str = "UPDATE safe_update_login_counters \
     SET count = CASE WHEN expires > now() THEN count + 1 ELSE 1 END, \
     expires = now() + make_interval(secs => $2) \
     WHERE key = ANY($1)";

/// Deletes up to `$1` expired rows that no other transaction holds (`SKIP LOCKED`: it never
/// waits for, nor deadlocks with, another count or release).
const DELETE_EXPIRED: &str = "DELETE FROM safe_update_login_counters WHERE key IN (\
     SELECT key FROM safe_update_login_counters WHERE expires <= now() \
     ORDER BY expires LIMIT $1 FOR UPDATE SKIP LOCKED)";

/// Locks the existing rows of `$1`, in key order.
const LOCK_ROWS: &str = "SELECT key FROM safe_update_login_counters \
     WHERE key = ANY($1) ORDER BY key FOR UPDATE";

/// Deletes the locked rows of `$1` that are forgotten (in `$2`), would fall to zero, or have
/// expired anyway.
const DELETE_RELEASED: &str = "DELETE FROM safe_update_login_counters \
     WHERE key = ANY($1) AND (key = ANY($2) OR count <= 1 OR expires <= now())";

/// Gives one attempt back to each remaining row of `$1`, its expiry as it was.
const GIVE_BACK: &str = "UPDATE safe_update_login_counters SET count = count - 1 \
     WHERE key = ANY($1)";

/// The login limiter's counters in a PostgreSQL table, shared by every instance that uses
/// the same database: a [`CounterStore`] for the library's limiter rules.
///
/// It takes the application's [`deadpool_postgres::Pool`] (deadpool-postgres 0.14 over
/// tokio-postgres 0.7), so that the limiter and the application share connections.
///
/// # Setup
///
/// Call [`migrate`](PostgresCounters::migrate) once at start: it creates the table
/// `safe_update_login_counters` (and an index on its expiry) in the first schema of the
/// connections' `search_path`, if it is not there yet. Its columns: `key` (text of at most
/// [`MAX_KEY_BYTES`] bytes, collated `"C"`), `count` and `expires` (a timestamp of the
/// database's clock). The user needs the right to create a table there, or an administrator
/// runs the same `migrate` once with such a user.
///
/// Rows do not pile up: a count writes its keys' rows (an expired one starts again) and
/// deletes up to 100 other expired rows that no transaction holds; a release deletes its
/// keys' rows that fall to zero or have expired.
///
/// A count or release waits for the row locks of concurrent ones on the same keys. Bound
/// that wait, as any other, on the pool's connections (for example
/// `-c lock_timeout=5000` in the connection's options, and a pool `wait_timeout`): past it
/// the count fails, and the limiter refuses the check (it fails closed).
///
/// ```no_run
/// # use safe_update::auth::MemoryStore;
/// # async fn start(pool: deadpool_postgres::Pool, users: MemoryStore) -> Result<(), Box<dyn std::error::Error>> {
/// use safe_update::auth::{Authenticator, Limits, PostgresCounters, StoreLimiter};
///
/// // `pool`: the application's, its connections opened with `-c lock_timeout=5000`.
/// let counters = PostgresCounters::new(pool);
/// counters.migrate().await?;
/// let auth = Authenticator::builder(users)
///     .limiter(StoreLimiter::new(counters, Limits::default()))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PostgresCounters {
    pool: Pool,
}

impl PostgresCounters {
    /// Counters in the database `pool` connects to; call
    /// [`migrate`](PostgresCounters::migrate) before the first count.
    pub fn new(pool: Pool) -> Self {
        PostgresCounters { pool }
    }

    /// Creates the counters' table and its index if they do not exist; does nothing when
    /// they do. Instances started together may all call it: one creates, the others wait
    /// for it (a transaction-scoped advisory lock) and then find it done.
    pub async fn migrate(&self) -> Result<(), PostgresCountersError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await?;
        tx.batch_execute(&format!(
            "CREATE TABLE IF NOT EXISTS {TABLE} (
                key     TEXT COLLATE \"C\" PRIMARY KEY CHECK (octet_length(key) <= {MAX_KEY_BYTES}),
                count   BIGINT      NOT NULL,
                expires TIMESTAMPTZ NOT NULL
            );
            CREATE INDEX IF NOT EXISTS {TABLE}_expires ON {TABLE} (expires);"
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

impl fmt::Debug for PostgresCounters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresCounters")
            .field("table", &TABLE)
            .finish_non_exhaustive()
    }
}

impl CounterStore for PostgresCounters {
    type Error = PostgresCountersError;

    async fn count(&self, caps: &[Cap<'_>], window: Duration) -> Result<Counted, Self::Error> {
        if caps.is_empty() {
            return Ok(Counted::Yes);
        }
        // Locks are taken in one order by every transaction: byte order, as the column
        // collates.
        let mut order: Vec<usize> = (0..caps.len()).collect();
        order.sort_unstable_by_key(|&index| caps[index].key);

        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let lock_row = tx.prepare_cached(LOCK_ROW).await?;
        let mut full: Option<(usize, Duration)> = None;
        for &index in &order {
            let cap = caps[index];
            let row = tx.query_one(&lock_row, &[&cap.key]).await?;
            let live: bool = row.get(0);
            let count = if live { row.get::<_, i64>(1) } else { 0 };
            if count < i64::from(cap.max) {
                continue;
            }
            // A counter that is not live is full only under a cap of 0; it frees a whole
            // window after an attempt that can never come, so say a window.
            let retry_after = if live {
                Duration::try_from_secs_f64(row.get(2)).map_or(window, |left| left.min(window))
            } else {
                window
            };
            // The one that frees last; of equals, the first in the caller's order.
            let frees_later = match full {
                None => true,
                Some((other, other_retry)) => {
                    retry_after > other_retry || (retry_after == other_retry && index < other)
                }
            };
            if frees_later {
                full = Some((index, retry_after));
            }
        }
        if let Some((index, retry_after)) = full {
            // Nothing written: the rows this transaction created go with it.
            tx.rollback().await?;
            return Ok(Counted::Full { index, retry_after });
        }
        let keys: Vec<&str> = caps.iter().map(|cap| cap.key).collect();
        let count_rows = tx.prepare_cached(COUNT_ROWS).await?;
        tx.execute(&count_rows, &[&keys, &window.as_secs_f64()])
            .await?;
        let delete_expired = tx.prepare_cached(DELETE_EXPIRED).await?;
        tx.execute(&delete_expired, &[&CLEANUP_BATCH]).await?;
        tx.commit().await?;
        Ok(Counted::Yes)
    }

    async fn release(&self, give_back: &[&str], forget: &[&str]) -> Result<(), Self::Error> {
        if give_back.is_empty() && forget.is_empty() {
            return Ok(());
        }
        let all: Vec<&str> = give_back.iter().chain(forget).copied().collect();
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        // Every row first, in key order (as a count takes them): the two statements after
        // it would otherwise lock rows in whatever order they scan them.
        let lock_rows = tx.prepare_cached(LOCK_ROWS).await?;
        tx.execute(&lock_rows, &[&all]).await?;
        let delete_released = tx.prepare_cached(DELETE_RELEASED).await?;
        tx.execute(&delete_released, &[&all, &forget]).await?;
        if !give_back.is_empty() {
            let give = tx.prepare_cached(GIVE_BACK).await?;
            tx.execute(&give, &[&give_back]).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Why [`PostgresCounters`] could not count or give back: no connection from the pool, or
/// the database refused or failed a statement (a lock not had within `lock_timeout`, the
/// table missing, the server gone). Nothing was written.
#[derive(Debug)]
pub struct PostgresCountersError(Cause);

#[derive(Debug)]
enum Cause {
    Pool(PoolError),
    Database(tokio_postgres::Error),
}

impl fmt::Display for PostgresCountersError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Cause::Pool(error) => write!(
                f,
                "login counters in PostgreSQL: no connection from the pool: {error}"
            ),
            // The server's own message is the source of the client's "db error": a log
            // line that prints this error alone must say what happened.
            Cause::Database(error) => match error.as_db_error() {
                Some(database) => write!(f, "login counters in PostgreSQL: {database}"),
                None => write!(f, "login counters in PostgreSQL: {error}"),
            },
        }
    }
}

impl Error for PostgresCountersError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match &self.0 {
            Cause::Pool(error) => Some(error),
            Cause::Database(error) => Some(error),
        }
    }
}

impl From<PoolError> for PostgresCountersError {
    fn from(error: PoolError) -> Self {
        PostgresCountersError(Cause::Pool(error))
    }
}

impl From<tokio_postgres::Error> for PostgresCountersError {
    fn from(error: tokio_postgres::Error) -> Self {
        PostgresCountersError(Cause::Database(error))
    }
}
