//! What a store of login counters provides: one atomic primitive that counts, and one that
//! gives back. The rules (which counters an attempt falls under, their caps, what a good
//! password forgets) are the limiter's, written once in Rust; a store keeps numbers, so that
//! a shared one (a database, Redis) cannot get the rules subtly different.

use std::error::Error;
use std::future::Future;
use std::time::Duration;

/// A counter an attempt falls under: its key, and how many attempts it allows while it lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cap<'a> {
    /// The counter's key, made by the limiter's rules: printable, without whitespace, at most
    /// [`MAX_KEY_BYTES`] bytes, and the same for the same counter in every process, so that
    /// instances sharing a store share the counter.
    pub key: &'a str,
    /// How many attempts the counter allows while it lives.
    pub max: u32,
}

/// The longest key the rules make (a client-chosen user name is cut before it is a key), so
/// that a store can size a column or bound its memory.
pub const MAX_KEY_BYTES: usize = 320;

/// What [`CounterStore::count`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    /// Every counter was below its cap: each was incremented (one that was absent or had
    /// expired starts again at 1) and now expires a window from now.
    Yes,
    /// A live counter was at its cap: nothing was written.
    Full {
        /// The index, in the `caps` given, of the full counter that frees last.
        index: usize,
        /// How long until it expires (at most a window).
        retry_after: Duration,
    },
}

/// A store of login counters, for a [`Limiter`](super::Limiter) whose rules are the library's.
///
/// A counter is a number under a key that expires a window after the last attempt counted in
/// it. A store implements two operations, each atomic with respect to every other call on
/// every instance that shares the store (one transaction, one Lua script): that is what makes
/// a burst of concurrent guesses get no more checks than a slow series of them. Time is the
/// store's own (the database's clock, Redis's expiry), so that instances whose clocks differ
/// still agree.
///
/// The rules over a store are [`StoreLimiter`](super::StoreLimiter)'s. The library's stores:
/// [`MemoryCounters`](super::MemoryCounters) for one process, and PostgreSQL and Redis for
/// several (see the features `limiter-postgres` and `limiter-redis`). Another store implements
/// the two operations; its error makes the limiter refuse the check, never skip counting it.
///
/// ```
/// use std::collections::HashMap;
/// use std::convert::Infallible;
/// use std::sync::Mutex;
/// use std::time::{Duration, Instant};
/// use safe_update::auth::{Authenticator, Cap, Counted, CounterStore, Limits, MemoryStore, StoreLimiter};
///
/// /// Counts and expiries in a map, one lock held for each whole call: that is what makes a
/// /// call atomic here, as one transaction or one script does in a shared store.
/// #[derive(Default)]
/// struct Counters(Mutex<HashMap<String, (u32, Instant)>>);
///
/// fn live(counters: &HashMap<String, (u32, Instant)>, key: &str, now: Instant) -> Option<(u32, Instant)> {
///     counters.get(key).copied().filter(|&(_, expires)| now < expires)
/// }
///
/// impl CounterStore for Counters {
///     type Error = Infallible;
///
///     async fn count(&self, caps: &[Cap<'_>], window: Duration) -> Result<Counted, Infallible> {
///         let mut counters = self.0.lock().unwrap();
///         let now = Instant::now();
///         let mut full = None;
///         for (index, cap) in caps.iter().enumerate() {
///             if let Some((count, expires)) = live(&counters, cap.key, now) {
///                 if count >= cap.max && full.is_none_or(|(_, wait)| expires - now > wait) {
///                     full = Some((index, expires - now));
///                 }
///             }
///         }
///         if let Some((index, retry_after)) = full {
///             return Ok(Counted::Full { index, retry_after });
///         }
///         for cap in caps {
///             let count = live(&counters, cap.key, now).map_or(0, |(count, _)| count);
///             counters.insert(cap.key.to_owned(), (count + 1, now + window));
///         }
///         Ok(Counted::Yes) // (a real store also drops expired counters, and bounds their number)
///     }
///
///     async fn release(&self, give_back: &[&str], forget: &[&str]) -> Result<(), Infallible> {
///         let mut counters = self.0.lock().unwrap();
///         for key in give_back {
///             match counters.get_mut(*key) {
///                 Some((count, _)) if *count > 1 => *count -= 1,
///                 Some(_) => drop(counters.remove(*key)),
///                 None => {} // gone already: not made again
///             }
///         }
///         for key in forget {
///             counters.remove(*key);
///         }
///         Ok(())
///     }
/// }
///
/// let limiter = StoreLimiter::new(Counters::default(), Limits::default());
/// let auth = Authenticator::builder(MemoryStore::new()).limiter(limiter).build().unwrap();
/// ```
pub trait CounterStore: Send + Sync + 'static {
    /// Why the store could not count: the limiter then refuses the check (it fails closed)
    /// and logs this error.
    type Error: Error + Send + Sync + 'static;

    /// For these counters, all or none: if every live counter of `caps` is below its `max`,
    /// increments them all (an absent or expired one starts at 1) and makes each expire
    /// `window` from now; otherwise writes nothing and says which is full. A counter is live
    /// while less than `window` has passed since the last attempt counted in it. Keys are
    /// distinct.
    fn count(
        &self,
        caps: &[Cap<'_>],
        window: Duration,
    ) -> impl Future<Output = Result<Counted, Self::Error>> + Send;

    /// Gives attempts back, atomically: decrements each counter of `give_back` by one
    /// (deleting it at zero, leaving its expiry as it was) and deletes each counter of
    /// `forget`. An absent key is left absent. The two lists are disjoint.
    fn release(
        &self,
        give_back: &[&str],
        forget: &[&str],
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;
}
