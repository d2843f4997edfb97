//! Login throttling: every password check is counted before argon2 runs, atomically, so that a
//! burst of concurrent guesses gets no more checks than a slow series of them.

mod counters;
#[cfg(feature = "limiter-postgres")]
mod postgres_store;
#[cfg(feature = "limiter-redis")]
mod redis_store;

pub use counters::{Cap, Counted, CounterStore, MAX_KEY_BYTES};
#[cfg(feature = "limiter-postgres")]
pub use postgres_store::{PostgresCounters, PostgresCountersError};
#[cfg(feature = "limiter-redis")]
pub use redis_store::{RedisCounters, RedisCountersError};

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, Ipv6Addr};
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

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
/// counted. [`MemoryLimiter`] keeps the counters of one process; a service with several
/// instances implements this trait over its shared database (an atomic upsert per counter), so
/// that the limits hold across instances; it keys its per-client counters on
/// [`Limits::counted_as`], as [`MemoryLimiter`] does, so that one IPv6 host is one client.
pub trait Limiter: Send + Sync + 'static {
    /// Counts `attempt` against every limit it falls under, all or none, atomically with
    /// respect to every other call; `Err(retry_after)` when a limit is reached (nothing is
    /// counted then).
    fn reserve(&self, attempt: Attempt<'_>) -> impl Future<Output = Result<(), Duration>> + Send;

    /// How an attempt that [`reserve`](Limiter::reserve) counted ended.
    fn settle(&self, attempt: Attempt<'_>, outcome: Outcome) -> impl Future<Output = ()> + Send;
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The limiter behind a pointer, so that the authenticator needs no type parameter.
pub(crate) trait DynLimiter: Send + Sync {
    fn reserve<'a>(&'a self, attempt: Attempt<'a>) -> BoxFuture<'a, Result<(), Duration>>;
    fn settle<'a>(&'a self, attempt: Attempt<'a>, outcome: Outcome) -> BoxFuture<'a, ()>;
}

impl<L: Limiter> DynLimiter for L {
    fn reserve<'a>(&'a self, attempt: Attempt<'a>) -> BoxFuture<'a, Result<(), Duration>> {
        Box::pin(Limiter::reserve(self, attempt))
    }

    fn settle<'a>(&'a self, attempt: Attempt<'a>, outcome: Outcome) -> BoxFuture<'a, ()> {
        Box::pin(Limiter::settle(self, attempt, outcome))
    }
}

/// How many password checks [`MemoryLimiter`] allows.
///
/// The defaults: 5 failed attempts per user name from one client, 20 per client whatever the
/// name, and 100 per user name from all clients together, each in a window of one minute
/// after the counter's last attempt. Per client and name rather than per name alone, because
/// a per-name lockout lets anyone lock anyone out with five wrong guesses (OWASP's
/// Authentication Cheat Sheet, "Account Lockout"); the per-name total still stops a guessing
/// campaign spread over many addresses, at the price of locking that name out for a minute.
///
/// A client is an IPv4 address, or an IPv6 prefix (a /64 by default): one host is given a
/// whole /64 (RFC 6177, and SLAAC needs one), so counting IPv6 addresses one by one would give
/// a single attacker 2^64 fresh counters. Every limiter counts a client under
/// [`counted_as`](Limits::counted_as).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Checks per user name from one client.
    pub per_user_and_client: u32,
    /// Checks per client, whatever the user name.
    pub per_client: u32,
    /// Checks per user name, from all clients together.
    pub per_user: u32,
    /// How long after its last attempt a counter is forgotten.
    pub window: Duration,
    /// How many leading bits of an IPv6 address name its client: 64 (the default) counts a
    /// /64 as one client, 128 counts every address alone, 48 a whole site; 0 would make all
    /// IPv6 clients one. Values over 128 mean 128. IPv4 addresses, and IPv6 addresses that
    /// carry one (`::ffff:a.b.c.d`), are always counted whole, as the IPv4 address.
    pub ipv6_prefix: u8,
}

impl Limits {
    /// The address `client` is counted under by the per-client limits: an IPv4 address as it
    /// is, an IPv4-mapped IPv6 address (what a dual-stack listener sees) as its IPv4 address,
    /// any other IPv6 address cut to its first [`ipv6_prefix`](Limits::ipv6_prefix) bits.
    ///
    /// ```
    /// use std::net::IpAddr;
    /// use safe_update::auth::Limits;
    ///
    /// let limits = Limits::default();
    /// let ip = |text: &str| text.parse::<IpAddr>().unwrap();
    /// // Two addresses of one /64 are one client.
    /// assert_eq!(limits.counted_as(ip("2001:db8:0:7::1")), ip("2001:db8:0:7::"));
    /// assert_eq!(limits.counted_as(ip("2001:db8:0:7:ffff::30")), ip("2001:db8:0:7::"));
    /// // A dual-stack listener's view of an IPv4 client is that IPv4 client.
    /// assert_eq!(limits.counted_as(ip("::ffff:203.0.113.9")), ip("203.0.113.9"));
    /// // Every address alone, when the operator knows its clients have one each.
    /// let exact = Limits { ipv6_prefix: 128, ..limits };
    /// assert_eq!(exact.counted_as(ip("2001:db8:0:7::1")), ip("2001:db8:0:7::1"));
    /// ```
    pub fn counted_as(&self, client: IpAddr) -> IpAddr {
        match client.to_canonical() {
            IpAddr::V6(address) => {
                let bits = u32::from(self.ipv6_prefix.min(128));
                // A shift by 128 (a /0) overflows: no bit is kept then.
                let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
                IpAddr::V6(Ipv6Addr::from(u128::from(address) & mask))
            }
            v4 => v4,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_user_and_client: 5,
            per_client: 20,
            per_user: 100,
            window: Duration::from_secs(60),
            ipv6_prefix: 64,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    UserAndClient(String, Option<IpAddr>),
    Client(IpAddr),
    User(String),
}

#[derive(Debug, Clone, Copy)]
struct Counter {
    count: u32,
    last: Instant,
}

/// The counters of one process behind one mutex, so that an attempt is checked and counted
/// against all of its limits in one step.
///
/// Bounded: at most `capacity` counters (100 000 by default, a few MiB). When it is full and
/// no counter has expired, an attempt that needs a new counter is refused for one window:
/// evicting a live counter would let a flood of made-up names reset a victim's.
///
/// ```
/// use std::time::Duration;
/// use safe_update::auth::{Attempt, Limiter, Limits, MemoryLimiter, Outcome};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let limiter = MemoryLimiter::new(Limits { per_user_and_client: 2, ..Limits::default() });
/// let guess = Attempt { user: "alice", client: Some([203, 0, 113, 9].into()) };
/// for _ in 0..2 {
///     limiter.reserve(guess).await.unwrap();
///     limiter.settle(guess, Outcome::Failed).await;
/// }
/// let wait = limiter.reserve(guess).await.unwrap_err();
/// assert!(wait > Duration::from_secs(59));
/// // alice herself, from another address, may still log in.
/// let alice = Attempt { client: Some([198, 51, 100, 7].into()), ..guess };
/// assert!(limiter.reserve(alice).await.is_ok());
/// # });
/// ```
#[derive(Debug)]
pub struct MemoryLimiter {
    limits: Limits,
    capacity: usize,
    counters: Mutex<HashMap<Key, Counter>>,
}

// User names are chosen by clients: a longer one is cut, so a counter's size is bounded.
const MAX_NAME_CHARS: usize = 64;

impl MemoryLimiter {
    /// Counters with these limits.
    pub fn new(limits: Limits) -> Self {
        MemoryLimiter {
            limits,
            capacity: 100_000,
            counters: Mutex::new(HashMap::new()),
        }
    }

    /// At most this many counters (at least 3, one attempt's worth).
    pub fn capacity(mut self, counters: usize) -> Self {
        self.capacity = counters.max(3);
        self
    }

    /// The limits.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    fn keys(&self, attempt: Attempt<'_>) -> Vec<(Key, u32)> {
        let user: String = attempt.user.chars().take(MAX_NAME_CHARS).collect();
        let client = attempt.client.map(|client| self.limits.counted_as(client));
        let mut keys = vec![
            (
                Key::UserAndClient(user.clone(), client),
                self.limits.per_user_and_client,
            ),
            (Key::User(user), self.limits.per_user),
        ];
        if let Some(client) = client {
            keys.push((Key::Client(client), self.limits.per_client));
        }
        keys
    }

    fn reserve_now(&self, attempt: Attempt<'_>, now: Instant) -> Result<(), Duration> {
        let window = self.limits.window;
        let keys = self.keys(attempt);
        let mut counters = self.lock();
        let live = |counter: &Counter| now.saturating_duration_since(counter.last) < window;
        let mut wait = Duration::ZERO;
        for (key, max) in &keys {
            if let Some(counter) = counters.get(key).filter(|counter| live(counter)) {
                if counter.count >= *max {
                    wait = wait.max(window - now.saturating_duration_since(counter.last));
                }
            }
        }
        if !wait.is_zero() {
            return Err(wait);
        }
        let new = keys
            .iter()
            .filter(|(key, _)| !counters.contains_key(key))
            .count();
        if counters.len() + new > self.capacity {
            counters.retain(|_, counter| live(counter));
            if counters.len() + new > self.capacity {
                return Err(window);
            }
        }
        for (key, _) in keys {
            let counter = counters.entry(key).or_insert(Counter {
                count: 0,
                last: now,
            });
            if !live(counter) {
                counter.count = 0;
            }
            counter.count += 1;
            counter.last = now;
        }
        Ok(())
    }

    fn settle_now(&self, attempt: Attempt<'_>, outcome: Outcome) {
        if outcome == Outcome::Failed {
            return;
        }
        let keys = self.keys(attempt);
        let mut counters = self.lock();
        for (key, _) in keys {
            let forget = outcome == Outcome::Succeeded && matches!(key, Key::UserAndClient(..));
            if let Some(counter) = counters.get_mut(&key) {
                counter.count = counter.count.saturating_sub(1);
                if forget || counter.count == 0 {
                    counters.remove(&key);
                }
            }
        }
    }

    // A panic while holding the lock leaves counts at worst one too high or too low.
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Counter>> {
        self.counters.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for MemoryLimiter {
    fn default() -> Self {
        MemoryLimiter::new(Limits::default())
    }
}

impl Limiter for MemoryLimiter {
    async fn reserve(&self, attempt: Attempt<'_>) -> Result<(), Duration> {
        self.reserve_now(attempt, Instant::now())
    }

    async fn settle(&self, attempt: Attempt<'_>, outcome: Outcome) {
        self.settle_now(attempt, outcome);
    }
}

/// No limit: every check runs. For tests, or when a layer in front of the application
/// throttles already.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoLimit;

impl Limiter for NoLimit {
    async fn reserve(&self, _attempt: Attempt<'_>) -> Result<(), Duration> {
        Ok(())
    }

    async fn settle(&self, _attempt: Attempt<'_>, _outcome: Outcome) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    fn attempt(user: &str, client: [u8; 4]) -> Attempt<'_> {
        Attempt {
            user,
            client: Some(client.into()),
        }
    }

    fn small() -> MemoryLimiter {
        MemoryLimiter::new(Limits {
            per_user_and_client: 2,
            per_client: 3,
            per_user: 4,
            window: Duration::from_secs(60),
            ipv6_prefix: 64,
        })
    }

    #[test]
    fn in_flight_attempts_count_before_they_fail() {
        let limiter = small();
        let now = Instant::now();
        let guess = attempt("alice", [10, 0, 0, 1]);
        // Two reserved, none settled yet: the third is refused all the same.
        limiter.reserve_now(guess, now).unwrap();
        limiter.reserve_now(guess, now).unwrap();
        let wait = limiter.reserve_now(guess, now + SECOND).unwrap_err();
        assert_eq!(wait, Duration::from_secs(59));
        // Given back (never checked): one more may run.
        limiter.settle_now(guess, Outcome::NotChecked);
        limiter.reserve_now(guess, now + SECOND).unwrap();
    }

    #[test]
    fn each_limit_holds_on_its_own() {
        let limiter = small();
        let now = Instant::now();
        let client = [10, 0, 0, 2];
        for user in ["a", "b", "c"] {
            limiter.reserve_now(attempt(user, client), now).unwrap();
        }
        // Per client: a fourth name from the same address is refused.
        assert!(limiter.reserve_now(attempt("d", client), now).is_err());
        // Per user from all clients: alice from four addresses, then a fifth is refused.
        for last in 1..=4 {
            limiter
                .reserve_now(attempt("alice", [10, 1, 0, last]), now)
                .unwrap();
        }
        assert!(limiter
            .reserve_now(attempt("alice", [10, 1, 0, 5]), now)
            .is_err());
        // A refused attempt counted nothing: "d" from elsewhere is still fine.
        limiter
            .reserve_now(attempt("d", [10, 2, 0, 1]), now)
            .unwrap();
    }

    #[test]
    fn success_forgets_the_failures_from_that_client_only() {
        let limiter = small();
        let now = Instant::now();
        let alice = attempt("alice", [10, 0, 0, 3]);
        limiter.reserve_now(alice, now).unwrap();
        limiter.settle_now(alice, Outcome::Failed);
        limiter.reserve_now(alice, now).unwrap();
        limiter.settle_now(alice, Outcome::Succeeded);
        limiter.reserve_now(alice, now).unwrap();
        limiter.reserve_now(alice, now).unwrap();
        assert!(limiter.reserve_now(alice, now).is_err());
    }

    #[test]
    fn counters_expire_a_window_after_their_last_attempt() {
        let limiter = small();
        let now = Instant::now();
        let guess = attempt("alice", [10, 0, 0, 4]);
        limiter.reserve_now(guess, now).unwrap();
        limiter.reserve_now(guess, now + SECOND).unwrap();
        assert!(limiter
            .reserve_now(guess, now + Duration::from_secs(60))
            .is_err());
        limiter
            .reserve_now(guess, now + Duration::from_secs(62))
            .unwrap();
    }

    #[test]
    fn a_full_table_refuses_new_names_rather_than_forget_live_counters() {
        let limiter = small().capacity(6);
        let now = Instant::now();
        // Two names from one address: five counters (two per name, one for the address).
        limiter
            .reserve_now(attempt("a", [10, 0, 0, 5]), now)
            .unwrap();
        limiter
            .reserve_now(attempt("b", [10, 0, 0, 5]), now)
            .unwrap();
        assert_eq!(
            limiter.reserve_now(attempt("c", [10, 0, 0, 5]), now),
            Err(Duration::from_secs(60))
        );
        // Once the old counters expire, there is room again.
        limiter
            .reserve_now(attempt("c", [10, 0, 0, 5]), now + Duration::from_secs(61))
            .unwrap();
    }

    fn from<'a>(user: &'a str, client: &str) -> Attempt<'a> {
        Attempt {
            user,
            client: Some(client.parse().unwrap()),
        }
    }

    #[test]
    fn the_addresses_of_one_ipv6_prefix_are_one_client() {
        let limiter = small();
        let now = Instant::now();
        // Per user and client (2): a second address of the /64 is the same client.
        limiter
            .reserve_now(from("alice", "2001:db8:0:7::1"), now)
            .unwrap();
        limiter
            .reserve_now(from("alice", "2001:db8:0:7::2"), now)
            .unwrap();
        assert!(limiter
            .reserve_now(from("alice", "2001:db8:0:7::3"), now)
            .is_err());
        // Per client (3): a third name from anywhere in the /64 fills it, a fourth is refused.
        limiter
            .reserve_now(from("bob", "2001:db8:0:7:ffff::9"), now)
            .unwrap();
        assert!(limiter
            .reserve_now(from("carol", "2001:db8:0:7::4"), now)
            .is_err());
        // The next /64 is another client.
        limiter
            .reserve_now(from("carol", "2001:db8:0:8::1"), now)
            .unwrap();
    }

    #[test]
    fn a_mapped_ipv4_address_shares_its_ipv4_counters() {
        let limiter = small();
        let now = Instant::now();
        limiter
            .reserve_now(attempt("alice", [203, 0, 113, 9]), now)
            .unwrap();
        limiter
            .reserve_now(from("alice", "::ffff:203.0.113.9"), now)
            .unwrap();
        assert!(limiter
            .reserve_now(attempt("alice", [203, 0, 113, 9]), now)
            .is_err());
        // A success from the mapped form forgets the failures of the IPv4 form.
        limiter.settle_now(from("alice", "::ffff:203.0.113.9"), Outcome::Succeeded);
        limiter
            .reserve_now(attempt("alice", [203, 0, 113, 9]), now)
            .unwrap();
    }

    #[test]
    fn the_prefix_length_is_the_limits_and_clamped_to_128() {
        let ip = |text: &str| text.parse::<IpAddr>().unwrap();
        let with = |bits| Limits {
            ipv6_prefix: bits,
            ..Limits::default()
        };
        let address = ip("2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff");
        assert_eq!(with(48).counted_as(address), ip("2001:db8:aaaa::"));
        assert_eq!(with(56).counted_as(address), ip("2001:db8:aaaa:bb00::"));
        assert_eq!(with(128).counted_as(address), address);
        assert_eq!(with(200).counted_as(address), address);
        assert_eq!(with(0).counted_as(address), ip("::"));
        // IPv4 is never cut, whatever the prefix.
        assert_eq!(with(0).counted_as(ip("10.1.2.3")), ip("10.1.2.3"));
        assert_eq!(with(0).counted_as(ip("::ffff:10.1.2.3")), ip("10.1.2.3"));
    }

    #[test]
    fn long_names_share_a_bounded_counter() {
        let limiter = small();
        let now = Instant::now();
        let long = "x".repeat(100);
        let longer = format!("{long}y");
        limiter
            .reserve_now(attempt(&long, [10, 0, 0, 6]), now)
            .unwrap();
        limiter
            .reserve_now(attempt(&longer, [10, 0, 0, 6]), now)
            .unwrap();
        assert!(limiter
            .reserve_now(attempt(&long, [10, 0, 0, 6]), now)
            .is_err());
    }
}
