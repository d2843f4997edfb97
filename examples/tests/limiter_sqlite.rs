//! The demo's store of login counters over an SQLite file (`SqliteCounters`) against the
//! checks every store of this repository passes:
//!
//! - the cases of the store primitive every shared store passes (`tests/tests/counter_stores`,
//!   as `PostgresCounters` and `RedisCounters` run them: all or none, a cap of 0, the
//!   `retry_after` of the counter that frees last, expiry, a burst from two instances, counts
//!   and releases interleaving, a counter deleted behind the store's back), with a fresh file
//!   per case and the file read and changed directly;
//! - the login limiter's suite (`safe_update_tests::limiter_suite`: the library's rules over
//!   the store: bursts, expiry, forgetting, IPv6 prefixes, the longest keys, a failing store),
//!   one handle on the file, as one server has: its calls queue on the writer connection
//!   ([`one_handle`]). `limiter_sqlite_shared.rs` runs it on two handles on one file.

// The cases are the library's tests' own file, so that every store runs the same ones; its
// `Kept` is for stores the suite would otherwise drop too early, not needed here.
#[path = "../../tests/tests/counter_stores/mod.rs"]
#[allow(dead_code)]
mod counter_stores;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use counter_stores::Fixture;
use rusqlite::{params, Connection, OptionalExtension};
use safe_update_demo::db::sqlite::{Db, EPOCH_NOW};
use safe_update_demo::db::sqlite_counters::SqliteCounters;

/// The limiter suite on one handle on a fresh file. A module of its own: its tests are named
/// by the suite's cases, beside this file's store cases.
mod one_handle {
    use crate::common::on_one_file::OnOneFile;

    safe_update_tests::limiter_suite!(|| async { OnOneFile::open(1) });
}

/// A fresh SQLite file (in a directory removed with it), and a connection of the test's own
/// to read and change its counters behind the store's back.
struct File {
    _dir: tempfile::TempDir,
    path: PathBuf,
    direct: Connection,
}

async fn fresh() -> Option<File> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    // Opened (and so migrated) by the demo before the test's connection looks at it.
    drop(Db::open(&path).unwrap());
    let direct = Connection::open(&path).unwrap();
    direct.busy_timeout(Duration::from_secs(5)).unwrap();
    Some(File {
        _dir: dir,
        path,
        direct,
    })
}

impl Fixture for File {
    type Store = SqliteCounters;

    /// Another handle on the file, with connections of its own, as another process has.
    async fn store(&self) -> SqliteCounters {
        SqliteCounters::new(Arc::new(Db::open(&self.path).unwrap()))
    }

    async fn live_count(&self, key: &str) -> Option<u64> {
        let sql =
            format!("SELECT count FROM login_counters WHERE key = ?1 AND expires > {EPOCH_NOW}");
        let count: Option<i64> = self
            .direct
            .query_row(&sql, [key], |row| row.get(0))
            .optional()
            .unwrap();
        count.map(|count| u64::try_from(count).unwrap())
    }

    async fn time_left(&self, key: &str) -> Option<Duration> {
        let sql = format!("SELECT expires - {EPOCH_NOW} FROM login_counters WHERE key = ?1");
        let left: Option<f64> = self
            .direct
            .query_row(&sql, [key], |row| row.get(0))
            .optional()
            .unwrap();
        left.map(|left| Duration::from_secs_f64(left.max(0.0)))
    }

    async fn expire_in(&self, key: &str, left: Duration) {
        let sql = format!("UPDATE login_counters SET expires = {EPOCH_NOW} + ?2 WHERE key = ?1");
        let changed = self
            .direct
            .execute(&sql, params![key, left.as_secs_f64()])
            .unwrap();
        assert_eq!(changed, 1, "no counter {key}");
    }

    async fn delete(&self, key: &str) {
        let deleted = self
            .direct
            .execute("DELETE FROM login_counters WHERE key = ?1", [key])
            .unwrap();
        assert_eq!(deleted, 1, "no counter {key}");
    }
}

crate::counter_store_cases!(fresh);
