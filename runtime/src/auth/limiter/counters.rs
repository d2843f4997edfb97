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
