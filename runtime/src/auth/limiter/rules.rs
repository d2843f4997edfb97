//! The login limiter's rules, written once over any [`CounterStore`]: which counters an
//! attempt falls under, when it is refused, and what its outcome gives back.

use super::keys::AttemptKeys;
use super::{Attempt, Counted, CounterStore, Limiter, LimiterError, Limits, Outcome, Refusal};

/// The library's login limiter over a [`CounterStore`]: the [`Limits`], the counters each
/// attempt falls under and what its outcome does to them, the same whatever keeps the
/// numbers.
///
/// An attempt is counted under three counters, all or none, in one
/// [`count`](CounterStore::count): per user name and client (`uc:CLIENT:NAME`), per client
/// (`c:CLIENT`, when the web layer knows the address) and per user name (`u:NAME`), where
/// `CLIENT` is the address [`Limits::counted_as`] gives (an IPv6 one in brackets) and `NAME`
/// the user name cut to 64 characters, whitespace, control characters and `%`
/// percent-encoded. A failed password stays counted; a good one gives its attempt back to the
/// per-client and per-user counters and forgets the per-user-and-client one, so that a user
/// who mistypes twice starts afresh; a check that never ran gives its attempt back to all
/// three. When the store fails, the check is refused ([`Refusal::Unavailable`]).
///
/// Over [`MemoryCounters`](super::MemoryCounters) this is
/// [`MemoryLimiter`](super::MemoryLimiter), the default. Over a store that several instances
/// share, the limits hold across instances: N instances allow what one does, not N times as
/// much. The library ships a PostgreSQL store and a Redis store (see the features
/// `limiter-postgres` and `limiter-redis`); another store implements [`CounterStore`].
///
/// ```
/// use std::time::Duration;
/// use safe_update::auth::{Attempt, Limiter, Limits, MemoryCounters, Outcome, Refusal, StoreLimiter};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let limits = Limits { per_user_and_client: 2, ..Limits::default() };
/// let limiter = StoreLimiter::new(MemoryCounters::new(), limits);
/// let guess = Attempt { user: "alice", client: Some([203, 0, 113, 9].into()) };
/// for _ in 0..2 {
///     limiter.reserve(guess).await.unwrap();
///     limiter.settle(guess, Outcome::Failed).await.unwrap();
/// }
/// let refused = limiter.reserve(guess).await;
/// assert!(matches!(refused, Err(Refusal::Throttled { retry_after }) if retry_after > Duration::from_secs(59)));
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct StoreLimiter<S> {
    store: S,
    limits: Limits,
}

impl<S: CounterStore> StoreLimiter<S> {
    /// The rules with `limits` over the counters of `store`.
    pub fn new(store: S, limits: Limits) -> Self {
        StoreLimiter { store, limits }
    }

    /// The limits.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The store of the counters.
    pub fn store(&self) -> &S {
        &self.store
    }

    pub(super) fn store_mut(&mut self) -> &mut S {
        &mut self.store
    }
}

impl<S: CounterStore> Limiter for StoreLimiter<S> {
    async fn reserve(&self, attempt: Attempt<'_>) -> Result<(), Refusal> {
        let keys = AttemptKeys::of(&self.limits, attempt);
        let caps = keys.caps(&self.limits);
        match self.store.count(&caps, self.limits.window).await {
            Ok(Counted::Yes) => Ok(()),
            Ok(Counted::Full { retry_after, .. }) => Err(Refusal::Throttled { retry_after }),
            Err(error) => Err(Refusal::Unavailable(LimiterError::new(error))),
        }
    }

    async fn settle(&self, attempt: Attempt<'_>, outcome: Outcome) -> Result<(), LimiterError> {
        let keys = AttemptKeys::of(&self.limits, attempt);
        let Some(release) = keys.release(outcome) else {
            return Ok(());
        };
        self.store
            .release(&release.give_back, &release.forget)
            .await
            .map_err(LimiterError::new)
    }
}
