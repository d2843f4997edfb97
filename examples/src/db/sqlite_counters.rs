//! The login limiter's counters in the SQLite file: the store primitive of
//! `safe_update::auth::CounterStore`, and nothing of the rules (which counters an attempt
//! falls under, their caps, what a good password forgets: `safe_update::auth::StoreLimiter`
//! decides those, as it does over PostgreSQL or Redis).
//!
//! Each operation is one `BEGIN IMMEDIATE` transaction: SQLite's write lock is taken before
//! the counters are read, so the read, the check and the writes of one count cannot interleave
//! with another's, whether that one runs in this process (they queue on the writer connection,
//! [`Db::write`]) or in another process on the same file (it waits for the lock, within the
//! connection's `busy_timeout`). Time is SQLite's `now`, the clock of the machine that holds
//! the file (every process on one file runs there: SQLite's locks do not work over a network
//! file system), read once the lock is held, so that a count that waited for the lock never
//! sees a counter expire more than a window from its now.

use std::sync::Arc;
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use safe_update::auth::{Cap, Counted, CounterStore};

use super::sqlite::{Db, EPOCH_NOW};
use super::{blocking, DbError};

/// How many expired rows a count deletes at most, besides writing its own: enough that rows
/// of keys never seen again cannot pile up (a count adds at most as many rows as it has caps),
/// few enough that no count pays for a long idle period at once.
const CLEANUP_BATCH: i64 = 100;

/// The login counters in the `login_counters` table of an SQLite file (`key`, `count`, and
/// `expires` in seconds since the Unix epoch), shared by every process that opens the file;
/// cheap to clone. Its errors are the database's: the limiter then refuses the check.
#[derive(Clone)]
pub struct SqliteCounters {
    db: Arc<Db>,
}

impl SqliteCounters {
    /// The counters of the file `db` has open (its migrations create the table).
    pub fn new(db: Arc<Db>) -> Self {
        SqliteCounters { db }
    }
}

impl CounterStore for SqliteCounters {
    type Error = DbError;

    async fn count(&self, caps: &[Cap<'_>], window: Duration) -> Result<Counted, DbError> {
        let caps: Vec<(String, u32)> = caps.iter().map(|c| (c.key.to_owned(), c.max)).collect();
        let db = Arc::clone(&self.db);
        blocking(move || Ok(db.write(|conn| count(conn, &caps, window))?)).await
    }

    async fn release(&self, give_back: &[&str], forget: &[&str]) -> Result<(), DbError> {
        let owned = |keys: &[&str]| keys.iter().map(|&key| key.to_owned()).collect::<Vec<_>>();
        let (give_back, forget) = (owned(give_back), owned(forget));
        let db = Arc::clone(&self.db);
        blocking(move || Ok(db.write(|conn| release(conn, &give_back, &forget))?)).await
    }
}

/// [`CounterStore::count`] in one `BEGIN IMMEDIATE` transaction: reads every live counter of
/// `caps`; when one is at its cap, writes nothing and names the one that frees last; otherwise
/// counts the attempt in each (an absent or expired one starts again at 1), makes each expire
/// a window from now, and deletes a batch of expired rows.
fn count(
    conn: &mut Connection,
    caps: &[(String, u32)],
    window: Duration,
) -> rusqlite::Result<Counted> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let now: f64 = tx.query_row(&format!("SELECT {EPOCH_NOW}"), [], |row| row.get(0))?;
    let mut full: Option<(usize, Duration)> = None;
    {
        let mut live = tx.prepare_cached(
            "SELECT count, expires - ?2 FROM login_counters WHERE key = ?1 AND expires > ?2",
        )?;
        for (index, (key, max)) in caps.iter().enumerate() {
            let counter: Option<(i64, f64)> = live
                .query_row(params![key, now], |row| Ok((row.get(0)?, row.get(1)?)))
                .optional()?;
            let count = counter.map_or(0, |(count, _)| count);
            if count < i64::from(*max) {
                continue;
            }
            // An absent counter is full only under a cap of 0: it frees a window after an
            // attempt that can never come, so say a window.
            let frees = counter
                .and_then(|(_, left)| Duration::try_from_secs_f64(left).ok())
                .map_or(window, |left| left.min(window));
            // The one that frees last; of equals, the first: waiting for another is no use.
            if full.is_none_or(|(_, last)| frees > last) {
                full = Some((index, frees));
            }
        }
    }
    if let Some((index, retry_after)) = full {
        // Dropped, the transaction rolls back: nothing was written.
        return Ok(Counted::Full { index, retry_after });
    }
    {
        let mut write = tx.prepare_cached(
            "INSERT INTO login_counters (key, count, expires) VALUES (?1, 1, ?2 + ?3) \
             ON CONFLICT (key) DO UPDATE SET \
             count = CASE WHEN expires > ?2 THEN count + 1 ELSE 1 END, expires = ?2 + ?3",
        )?;
        for (key, _) in caps {
            write.execute(params![key, now, window.as_secs_f64()])?;
        }
        let mut cleanup = tx.prepare_cached(
            "DELETE FROM login_counters WHERE key IN (SELECT key FROM login_counters \
             WHERE expires <= ?1 ORDER BY expires LIMIT ?2)",
        )?;
        cleanup.execute(params![now, CLEANUP_BATCH])?;
    }
    tx.commit()?;
    Ok(Counted::Yes)
}

/// [`CounterStore::release`] in one `BEGIN IMMEDIATE` transaction: each counter of
/// `give_back` one lower (deleted at zero, its expiry kept), each of `forget` deleted; an
/// absent one stays absent.
fn release(conn: &mut Connection, give_back: &[String], forget: &[String]) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    {
        let mut last =
            tx.prepare_cached("DELETE FROM login_counters WHERE key = ?1 AND count <= 1")?;
        let mut lower =
            tx.prepare_cached("UPDATE login_counters SET count = count - 1 WHERE key = ?1")?;
        for key in give_back {
            last.execute([key])?;
            lower.execute([key])?;
        }
        let mut delete = tx.prepare_cached("DELETE FROM login_counters WHERE key = ?1")?;
        for key in forget {
            delete.execute([key])?;
        }
    }
    tx.commit()
}
