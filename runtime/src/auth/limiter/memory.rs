//! The login counters of one process, and the limiter over them.

use std::collections::HashMap;
use std::convert::Infallible;
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use super::{
    Attempt, Cap, Counted, CounterStore, Limiter, LimiterError, Limits, Outcome, Refusal,
    StoreLimiter,
};

/// The login counters of one process, in a hash map behind one mutex: the [`CounterStore`]
/// of [`MemoryLimiter`], which counts an attempt against all of its limits in one step.
///
/// Bounded: at most [`capacity`](MemoryCounters::capacity) counters (100 000 by default, a
/// few MiB; some 40 MiB were every name 64 characters of 4 bytes). When it is full and no
/// counter has expired, an attempt that needs a new counter is refused for one window:
/// evicting a live counter would let a flood of made-up names reset a victim's.
///
/// Time is tokio's clock ([`tokio::time::Instant`]): a test that pauses it
/// (`tokio::time::pause`) moves the counters' windows with it.
pub struct MemoryCounters {
    capacity: usize,
    counters: Mutex<HashMap<Box<str>, Counter>>,
}

#[derive(Debug, Clone, Copy)]
struct Counter {
    count: u32,
    expires: Instant,
}

impl Counter {
    fn is_live(&self, now: Instant) -> bool {
        now < self.expires
    }
}

impl MemoryCounters {
    /// No counters yet, room for 100 000.
    pub fn new() -> Self {
        MemoryCounters {
            capacity: 100_000,
            counters: Mutex::new(HashMap::new()),
        }
    }

    /// At most this many counters (at least 3, one attempt's worth).
    pub fn capacity(mut self, counters: usize) -> Self {
        self.capacity = counters.max(3);
        self
    }

    fn count_now(&self, caps: &[Cap<'_>], window: Duration) -> Counted {
        let mut counters = self.lock();
        // Read under the lock: a `now` from before another call's writes could see a counter
        // expire more than a window from now.
        let now = Instant::now();
        // The full counter that frees last: waiting for any earlier one would not help.
        let mut full: Option<(usize, Duration)> = None;
        for (index, cap) in caps.iter().enumerate() {
            let Some(counter) = counters.get(cap.key).filter(|c| c.is_live(now)) else {
                continue;
            };
            let frees = counter.expires - now;
            if counter.count >= cap.max && full.is_none_or(|(_, last)| frees > last) {
                full = Some((index, frees));
            }
        }
        if let Some((index, retry_after)) = full {
            return Counted::Full { index, retry_after };
        }
        let absent = |counters: &HashMap<Box<str>, Counter>| {
            caps.iter()
                .filter(|cap| !counters.contains_key(cap.key))
                .count()
        };
        if counters.len() + absent(&counters) > self.capacity {
            counters.retain(|_, counter| counter.is_live(now));
            if counters.len() + absent(&counters) > self.capacity {
                let index = caps
                    .iter()
                    .position(|cap| !counters.contains_key(cap.key))
                    .unwrap_or(0);
                return Counted::Full {
                    index,
                    retry_after: window,
                };
            }
        }
        for cap in caps {
            let expired = Counter {
                count: 0,
                expires: now,
            };
            let counter = match counters.get_mut(cap.key) {
                Some(counter) => counter,
                None => counters.entry(Box::from(cap.key)).or_insert(expired),
            };
            if !counter.is_live(now) {
                *counter = expired;
            }
            counter.count = counter.count.saturating_add(1);
            counter.expires = now + window;
        }
        Counted::Yes
    }

    fn release_now(&self, give_back: &[&str], forget: &[&str]) {
        let mut counters = self.lock();
        for key in give_back {
            if let Some(counter) = counters.get_mut(*key) {
                counter.count = counter.count.saturating_sub(1);
                if counter.count == 0 {
                    counters.remove(*key);
                }
            }
        }
        for key in forget {
            counters.remove(*key);
        }
    }

    // A panic while holding the lock leaves counts at worst one too high or too low.
    fn lock(&self) -> MutexGuard<'_, HashMap<Box<str>, Counter>> {
        self.counters.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for MemoryCounters {
    fn default() -> Self {
        MemoryCounters::new()
    }
}

impl CounterStore for MemoryCounters {
    /// Counting in memory cannot fail (a full table refuses, as a full counter does).
    type Error = Infallible;

    async fn count(&self, caps: &[Cap<'_>], window: Duration) -> Result<Counted, Infallible> {
        Ok(self.count_now(caps, window))
    }

    async fn release(&self, give_back: &[&str], forget: &[&str]) -> Result<(), Infallible> {
        self.release_now(give_back, forget);
        Ok(())
    }
}

// The counters name users and clients: their number is enough for a log.
impl fmt::Debug for MemoryCounters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryCounters")
            .field("capacity", &self.capacity)
            .field("counters", &self.lock().len())
            .finish()
    }
}

/// The login limiter of one process: the library's rules ([`StoreLimiter`]) over
/// [`MemoryCounters`], and the [`Authenticator`](crate::auth::Authenticator)'s default.
///
/// Bounded: at most `capacity` counters (100 000 by default, a few MiB). When it is full and
/// no counter has expired, an attempt that needs a new counter is refused for one window:
/// evicting a live counter would let a flood of made-up names reset a victim's.
///
/// Its counters are the process's own: behind a load balancer, every instance would allow
/// the limits again. Instances share limits through a [`StoreLimiter`] over a shared store.
///
/// ```
/// use std::time::Duration;
/// use safe_update::auth::{Attempt, Limiter, Limits, MemoryLimiter, Outcome, Refusal};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let limiter = MemoryLimiter::new(Limits { per_user_and_client: 2, ..Limits::default() });
/// let guess = Attempt { user: "alice", client: Some([203, 0, 113, 9].into()) };
/// for _ in 0..2 {
///     limiter.reserve(guess).await.unwrap();
///     limiter.settle(guess, Outcome::Failed).await.unwrap();
/// }
/// let Err(Refusal::Throttled { retry_after }) = limiter.reserve(guess).await else { panic!() };
/// assert!(retry_after > Duration::from_secs(59));
/// // alice herself, from another address, may still log in.
/// let alice = Attempt { client: Some([198, 51, 100, 7].into()), ..guess };
/// assert!(limiter.reserve(alice).await.is_ok());
/// # });
/// ```
#[derive(Debug)]
pub struct MemoryLimiter {
    rules: StoreLimiter<MemoryCounters>,
}

impl MemoryLimiter {
    /// Counters with these limits.
    pub fn new(limits: Limits) -> Self {
        MemoryLimiter {
            rules: StoreLimiter::new(MemoryCounters::new(), limits),
        }
    }

    /// At most this many counters (at least 3, one attempt's worth).
    pub fn capacity(mut self, counters: usize) -> Self {
        let store = self.rules.store_mut();
        *store = std::mem::take(store).capacity(counters);
        self
    }

    /// The limits.
    pub fn limits(&self) -> Limits {
        self.rules.limits()
    }
}

impl Default for MemoryLimiter {
    fn default() -> Self {
        MemoryLimiter::new(Limits::default())
    }
}

impl Limiter for MemoryLimiter {
    async fn reserve(&self, attempt: Attempt<'_>) -> Result<(), Refusal> {
        self.rules.reserve(attempt).await
    }

    async fn settle(&self, attempt: Attempt<'_>, outcome: Outcome) -> Result<(), LimiterError> {
        self.rules.settle(attempt, outcome).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    /// Moves tokio's paused clock on to `now`, then reserves: `Err(retry_after)` when
    /// throttled.
    async fn reserve_at(
        limiter: &MemoryLimiter,
        attempt: Attempt<'_>,
        now: Instant,
    ) -> Result<(), Duration> {
        tokio::time::advance(now - Instant::now()).await;
        match limiter.reserve(attempt).await {
            Ok(()) => Ok(()),
            Err(Refusal::Throttled { retry_after }) => Err(retry_after),
            Err(refusal) => panic!("{refusal}"),
        }
    }

    async fn settle(limiter: &MemoryLimiter, attempt: Attempt<'_>, outcome: Outcome) {
        limiter.settle(attempt, outcome).await.unwrap();
    }

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

    #[tokio::test(start_paused = true)]
    async fn in_flight_attempts_count_before_they_fail() {
        let limiter = small();
        let now = Instant::now();
        let guess = attempt("alice", [10, 0, 0, 1]);
        // Two reserved, none settled yet: the third is refused all the same.
        reserve_at(&limiter, guess, now).await.unwrap();
        reserve_at(&limiter, guess, now).await.unwrap();
        let wait = reserve_at(&limiter, guess, now + SECOND).await.unwrap_err();
        assert_eq!(wait, Duration::from_secs(59));
        // Given back (never checked): one more may run.
        settle(&limiter, guess, Outcome::NotChecked).await;
        reserve_at(&limiter, guess, now + SECOND).await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn each_limit_holds_on_its_own() {
        let limiter = small();
        let now = Instant::now();
        let client = [10, 0, 0, 2];
        for user in ["a", "b", "c"] {
            reserve_at(&limiter, attempt(user, client), now)
                .await
                .unwrap();
        }
        // Per client: a fourth name from the same address is refused.
        assert!(reserve_at(&limiter, attempt("d", client), now)
            .await
            .is_err());
        // Per user from all clients: alice from four addresses, then a fifth is refused.
        for last in 1..=4 {
            reserve_at(&limiter, attempt("alice", [10, 1, 0, last]), now)
                .await
                .unwrap();
        }
        assert!(reserve_at(&limiter, attempt("alice", [10, 1, 0, 5]), now)
            .await
            .is_err());
        // A refused attempt counted nothing: "d" from elsewhere is still fine.
        reserve_at(&limiter, attempt("d", [10, 2, 0, 1]), now)
            .await
            .unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn success_forgets_the_failures_from_that_client_only() {
        let limiter = small();
        let now = Instant::now();
        let alice = attempt("alice", [10, 0, 0, 3]);
        reserve_at(&limiter, alice, now).await.unwrap();
        settle(&limiter, alice, Outcome::Failed).await;
        reserve_at(&limiter, alice, now).await.unwrap();
        settle(&limiter, alice, Outcome::Succeeded).await;
        reserve_at(&limiter, alice, now).await.unwrap();
        reserve_at(&limiter, alice, now).await.unwrap();
        assert!(reserve_at(&limiter, alice, now).await.is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn counters_expire_a_window_after_their_last_attempt() {
        let limiter = small();
        let now = Instant::now();
        let guess = attempt("alice", [10, 0, 0, 4]);
        reserve_at(&limiter, guess, now).await.unwrap();
        reserve_at(&limiter, guess, now + SECOND).await.unwrap();
        assert!(reserve_at(&limiter, guess, now + Duration::from_secs(60))
            .await
            .is_err());
        reserve_at(&limiter, guess, now + Duration::from_secs(62))
            .await
            .unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_table_refuses_new_names_rather_than_forget_live_counters() {
        let limiter = small().capacity(6);
        let now = Instant::now();
        // Two names from one address: five counters (two per name, one for the address).
        reserve_at(&limiter, attempt("a", [10, 0, 0, 5]), now)
            .await
            .unwrap();
        reserve_at(&limiter, attempt("b", [10, 0, 0, 5]), now)
            .await
            .unwrap();
        assert_eq!(
            reserve_at(&limiter, attempt("c", [10, 0, 0, 5]), now).await,
            Err(Duration::from_secs(60))
        );
        // Once the old counters expire, there is room again.
        reserve_at(
            &limiter,
            attempt("c", [10, 0, 0, 5]),
            now + Duration::from_secs(61),
        )
        .await
        .unwrap();
    }

    fn from<'a>(user: &'a str, client: &str) -> Attempt<'a> {
        Attempt {
            user,
            client: Some(client.parse().unwrap()),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_addresses_of_one_ipv6_prefix_are_one_client() {
        let limiter = small();
        let now = Instant::now();
        // Per user and client (2): a second address of the /64 is the same client.
        reserve_at(&limiter, from("alice", "2001:db8:0:7::1"), now)
            .await
            .unwrap();
        reserve_at(&limiter, from("alice", "2001:db8:0:7::2"), now)
            .await
            .unwrap();
        assert!(reserve_at(&limiter, from("alice", "2001:db8:0:7::3"), now)
            .await
            .is_err());
        // Per client (3): a third name from anywhere in the /64 fills it, a fourth is refused.
        reserve_at(&limiter, from("bob", "2001:db8:0:7:ffff::9"), now)
            .await
            .unwrap();
        assert!(reserve_at(&limiter, from("carol", "2001:db8:0:7::4"), now)
            .await
            .is_err());
        // The next /64 is another client.
        reserve_at(&limiter, from("carol", "2001:db8:0:8::1"), now)
            .await
            .unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn a_mapped_ipv4_address_shares_its_ipv4_counters() {
        let limiter = small();
        let now = Instant::now();
        reserve_at(&limiter, attempt("alice", [203, 0, 113, 9]), now)
            .await
            .unwrap();
        reserve_at(&limiter, from("alice", "::ffff:203.0.113.9"), now)
            .await
            .unwrap();
        assert!(
            reserve_at(&limiter, attempt("alice", [203, 0, 113, 9]), now)
                .await
                .is_err()
        );
        // A success from the mapped form forgets the failures of the IPv4 form.
        settle(
            &limiter,
            from("alice", "::ffff:203.0.113.9"),
            Outcome::Succeeded,
        )
        .await;
        reserve_at(&limiter, attempt("alice", [203, 0, 113, 9]), now)
            .await
            .unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn long_names_share_a_bounded_counter() {
        let limiter = small();
        let now = Instant::now();
        let long = "x".repeat(100);
        let longer = format!("{long}y");
        reserve_at(&limiter, attempt(&long, [10, 0, 0, 6]), now)
            .await
            .unwrap();
        reserve_at(&limiter, attempt(&longer, [10, 0, 0, 6]), now)
            .await
            .unwrap();
        assert!(reserve_at(&limiter, attempt(&long, [10, 0, 0, 6]), now)
            .await
            .is_err());
    }
}
