//! The store under test, as the rules see it: every key it is handed checked against what
//! [`Cap::key`] promises a store.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use safe_update::auth::{Cap, Counted, CounterStore, MAX_KEY_BYTES};

/// A store shared by the limiters of a case (cheap to clone), which checks every key the rules
/// hand it (printable, no whitespace, at most [`MAX_KEY_BYTES`]) and remembers the keys of the
/// last [`count`](CounterStore::count), so that a case can delete one.
pub struct Watched<S> {
    inner: Arc<Inner<S>>,
}

struct Inner<S> {
    store: S,
    last_count: Mutex<Vec<String>>,
    longest_key: Mutex<usize>,
    // Reported by `run` after the case: a panic inside a store call would only surface as a
    // limiter error.
    bad_keys: Mutex<Vec<String>>,
}

impl<S> Clone for Watched<S> {
    fn clone(&self) -> Self {
        Watched {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<S: CounterStore> Watched<S> {
    /// Watches `store`.
    pub fn new(store: S) -> Self {
        Watched {
            inner: Arc::new(Inner {
                store,
                last_count: Mutex::new(Vec::new()),
                longest_key: Mutex::new(0),
                bad_keys: Mutex::new(Vec::new()),
            }),
        }
    }

    /// The keys of the last [`count`](CounterStore::count), in the order given.
    pub fn last_count(&self) -> Vec<String> {
        self.inner.last_count.lock().unwrap().clone()
    }

    /// The length in bytes of the longest key handed to the store so far.
    pub fn longest_key(&self) -> usize {
        *self.inner.longest_key.lock().unwrap()
    }

    /// The keys handed to the store that break the promise of [`Cap::key`].
    pub fn bad_keys(&self) -> Vec<String> {
        self.inner.bad_keys.lock().unwrap().clone()
    }

    /// Deletes the counter under `key`, as an operator, a cleanup or an expiry would, with
    /// the store's own delete (the `forget` of [`release`](CounterStore::release)).
    pub async fn delete(&self, key: &str) {
        if let Err(error) = self.inner.store.release(&[], &[key]).await {
            panic!("the store could not delete {key}: {error}");
        }
    }

    fn check(&self, key: &str) {
        let mut longest = self.inner.longest_key.lock().unwrap();
        *longest = (*longest).max(key.len());
        let printable = key.chars().all(|c| !c.is_control() && !c.is_whitespace());
        if key.is_empty() || key.len() > MAX_KEY_BYTES || !printable {
            self.inner.bad_keys.lock().unwrap().push(key.to_owned());
        }
    }
}

impl<S: CounterStore> CounterStore for Watched<S> {
    type Error = S::Error;

    async fn count(&self, caps: &[Cap<'_>], window: Duration) -> Result<Counted, S::Error> {
        caps.iter().for_each(|cap| self.check(cap.key));
        *self.inner.last_count.lock().unwrap() =
            caps.iter().map(|cap| cap.key.to_owned()).collect();
        self.inner.store.count(caps, window).await
    }

    async fn release(&self, give_back: &[&str], forget: &[&str]) -> Result<(), S::Error> {
        give_back
            .iter()
            .chain(forget)
            .for_each(|key| self.check(key));
        self.inner.store.release(give_back, forget).await
    }
}
