//! Login throttling: every password check is counted before argon2 runs, atomically, so that a
//! burst of concurrent guesses gets no more checks than a slow series of them.
//!
//! Three layers, each replaceable: the [`Limiter`] the authenticator asks; the library's rules
//! ([`StoreLimiter`], with its [`Limits`]), written once; and the [`CounterStore`] that keeps
//! their numbers ([`MemoryCounters`] in one process; PostgreSQL or Redis for several, see the
//! features `limiter-postgres` and `limiter-redis`).

mod counters;
mod keys;
mod limits;
mod memory;
#[cfg(feature = "limiter-postgres")]
mod postgres_store;
#[cfg(feature = "limiter-redis")]
mod redis_store;
mod refusal;
mod rules;

pub use counters::{Cap, Counted, CounterStore, MAX_KEY_BYTES};
pub use limits::Limits;
pub use memory::{MemoryCounters, MemoryLimiter};
#[cfg(feature = "limiter-postgres")]
pub use postgres_store::{PostgresCounters, PostgresCountersError};
#[cfg(feature = "limiter-redis")]
pub use redis_store::{RedisCounters, RedisCountersError};
pub use refusal::{LimiterError, Refusal};
pub use rules::StoreLimiter;

use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;

/// One password check about to run: whose password, and from where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt<'a> {
    /// The user name as the store spells it, or as the client sent it when the store has no
    /// such user.
    pub user: &'a str,
    /// The client's address, when the web layer knows it: as seen, not yet cut to its
    /// prefix (a limiter counts it under [`Limits::counted_as`]).
    pub client: Option<IpAddr>,
}

/// How a counted attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A wrong password, or no such user: the attempt stays counted.
    Failed,
    /// The right password: the attempt is given back, and the user's failures from this
    /// client are forgotten.
    Succeeded,
    /// The password was never checked (no argon2 slot came free in time): the attempt
    /// is given back.
    NotChecked,
}

/// Decides whether a password may be checked now, and counts the checks.
///
/// The [`Authenticator`](super::Authenticator) asks [`reserve`](Limiter::reserve) before every
/// argon2 run and, for each reservation granted, calls [`settle`](Limiter::settle) exactly
/// once, even when the request that caused it is gone. A verification found in the cache, and
/// a request that waits for an identical one already in flight, run no argon2 and are not
/// counted. A reservation the limiter cannot make ([`Refusal::Unavailable`]) refuses the
/// check: the authenticator logs it and answers 503, and argon2 never runs uncounted.
///
/// Which limiter:
///
/// - [`MemoryLimiter`] (the default) keeps the counters of one process. Behind a load
///   balancer, each instance would allow the limits again.
/// - [`StoreLimiter`] applies the same rules to a store that several instances share, so that
///   the limits hold across them: the library ships stores for PostgreSQL and Redis (see the
///   features `limiter-postgres` and `limiter-redis`); for another database, implement
///   [`CounterStore`], one atomic primitive and its inverse, and the rules come with it.
/// - Implement this trait only for other rules. Key per-client counters on
///   [`Limits::counted_as`], as the library does, so that one IPv6 host is one client.
pub trait Limiter: Send + Sync + 'static {
    /// Counts `attempt` against every limit it falls under, all or none, atomically with
    /// respect to every other call.
    ///
    /// # Errors
    ///
    /// [`Refusal::Throttled`] when a limit is reached (nothing is counted then);
    /// [`Refusal::Unavailable`] when the counters cannot be read or written: the check is
    /// refused then too, since it could not be counted.
    fn reserve(&self, attempt: Attempt<'_>) -> impl Future<Output = Result<(), Refusal>> + Send;

    /// How an attempt that [`reserve`](Limiter::reserve) counted ended.
    ///
    /// # Errors
    ///
    /// [`LimiterError`] when the counters could not be written: the authenticator logs it,
    /// and the attempt stays counted (too strict for a window, never too lax).
    fn settle(
        &self,
        attempt: Attempt<'_>,
        outcome: Outcome,
    ) -> impl Future<Output = Result<(), LimiterError>> + Send;
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The limiter behind a pointer, so that the authenticator needs no type parameter.
pub(crate) trait DynLimiter: Send + Sync {
    fn reserve<'a>(&'a self, attempt: Attempt<'a>) -> BoxFuture<'a, Result<(), Refusal>>;
    fn settle<'a>(
        &'a self,
        attempt: Attempt<'a>,
        outcome: Outcome,
    ) -> BoxFuture<'a, Result<(), LimiterError>>;
}

impl<L: Limiter> DynLimiter for L {
    fn reserve<'a>(&'a self, attempt: Attempt<'a>) -> BoxFuture<'a, Result<(), Refusal>> {
        Box::pin(Limiter::reserve(self, attempt))
    }

    fn settle<'a>(
        &'a self,
        attempt: Attempt<'a>,
        outcome: Outcome,
    ) -> BoxFuture<'a, Result<(), LimiterError>> {
        Box::pin(Limiter::settle(self, attempt, outcome))
    }
}

/// No limit: every check runs. For tests, or when a layer in front of the application
/// throttles already.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoLimit;

impl Limiter for NoLimit {
    async fn reserve(&self, _attempt: Attempt<'_>) -> Result<(), Refusal> {
        Ok(())
    }

    async fn settle(&self, _attempt: Attempt<'_>, _outcome: Outcome) -> Result<(), LimiterError> {
        Ok(())
    }
}
