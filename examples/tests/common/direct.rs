//! The database layer without a server, for the tests that call the demo's `Database` (and
//! its limiter) directly: a runtime to drive it, a fresh database of each backend, and the
//! demo's handle on it.

use std::future::Future;

use safe_update_demo::db::{Database, DatabaseUrl};

use super::{postgres_available, Backend, Binary, Setup, TestDb};

/// Runs `future` to its end on a runtime of two workers, as the demo's server runs.
pub fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// A fresh database of `backend`, or `None` when PostgreSQL is not configured.
pub fn fresh(backend: Backend) -> Option<TestDb> {
    if backend == Backend::Postgres && !postgres_available() {
        return None;
    }
    let setup = Setup {
        bin: Binary::Actix,
        backend,
    };
    Some(setup.db())
}

/// The demo's `Database` over `db`.
pub async fn open(db: &TestDb) -> Database {
    let url: DatabaseUrl = db.url.parse().unwrap();
    Database::open(&url).await.unwrap()
}
