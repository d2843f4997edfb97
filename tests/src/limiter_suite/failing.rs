//! A store that fails on demand, in front of the store under test.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use safe_update::auth::{Cap, Counted, CounterStore};

/// The message of every failure [`Failing`] makes up.
pub const FAILURE: &str = "injected failure: the counters' server is unreachable";

/// A store whose [`count`](CounterStore::count) or [`release`](CounterStore::release) fails
/// while told to, and otherwise is the store it wraps (cheap to clone: the clones share the
/// switches).
pub struct Failing<S> {
    store: S,
    count_fails: Arc<AtomicBool>,
    release_fails: Arc<AtomicBool>,
}

impl<S: Clone> Clone for Failing<S> {
    fn clone(&self) -> Self {
        Failing {
            store: self.store.clone(),
            count_fails: Arc::clone(&self.count_fails),
            release_fails: Arc::clone(&self.release_fails),
        }
    }
}

impl<S: CounterStore> Failing<S> {
    /// `store`, failing nothing yet.
    pub fn new(store: S) -> Self {
        Failing {
            store,
            count_fails: Arc::default(),
            release_fails: Arc::default(),
        }
    }

    /// Whether [`count`](CounterStore::count) fails from now on.
    pub fn fail_count(&self, fails: bool) {
        self.count_fails.store(fails, Ordering::SeqCst);
    }

    /// Whether [`release`](CounterStore::release) fails from now on.
    pub fn fail_release(&self, fails: bool) {
        self.release_fails.store(fails, Ordering::SeqCst);
    }
}

impl<S: CounterStore> CounterStore for Failing<S> {
    type Error = io::Error;

    async fn count(&self, caps: &[Cap<'_>], window: Duration) -> io::Result<Counted> {
        if self.count_fails.load(Ordering::SeqCst) {
            return Err(io::Error::other(FAILURE));
        }
        self.store
            .count(caps, window)
            .await
            .map_err(io::Error::other)
    }

    async fn release(&self, give_back: &[&str], forget: &[&str]) -> io::Result<()> {
        if self.release_fails.load(Ordering::SeqCst) {
            return Err(io::Error::other(FAILURE));
        }
        self.store
            .release(give_back, forget)
            .await
            .map_err(io::Error::other)
    }
}
