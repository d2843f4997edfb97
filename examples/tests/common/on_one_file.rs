//! The demo's SQLite store of login counters (`SqliteCounters`) as the limiter suite takes
//! it: a fresh file per case, opened by one handle or several.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use safe_update::auth::{Cap, Counted, CounterStore};
use safe_update_demo::db::sqlite::Db;
use safe_update_demo::db::sqlite_counters::SqliteCounters;
use safe_update_demo::db::DbError;

/// Handles on one fresh SQLite file, each call on the next, and the directory of the file, removed
/// with the last clone.
#[derive(Clone)]
pub struct OnOneFile {
    handles: Arc<[SqliteCounters]>,
    next: Arc<AtomicUsize>,
    _dir: Arc<tempfile::TempDir>,
}

impl OnOneFile {
    /// `handles` stores, each opening the same fresh file.
    pub fn open(handles: usize) -> Result<OnOneFile, String> {
        let dir = tempfile::tempdir().map_err(|error| error.to_string())?;
        let path = dir.path().join("demo.db");
        let open = |path: &Path| Db::open(path).map(|db| SqliteCounters::new(Arc::new(db)));
        let handles = (0..handles)
            .map(|_| open(&path))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| format!("cannot open {}: {error}", path.display()))?;
        Ok(OnOneFile {
            handles: handles.into(),
            next: Arc::default(),
            _dir: Arc::new(dir),
        })
    }

    fn next(&self) -> &SqliteCounters {
        let turn = self.next.fetch_add(1, Ordering::Relaxed);
        &self.handles[turn % self.handles.len()]
    }
}

impl CounterStore for OnOneFile {
    type Error = DbError;

    async fn count(&self, caps: &[Cap<'_>], window: Duration) -> Result<Counted, DbError> {
        self.next().count(caps, window).await
    }

    async fn release(&self, give_back: &[&str], forget: &[&str]) -> Result<(), DbError> {
        self.next().release(give_back, forget).await
    }
}
