//! The login counters of one process.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::{Attempt, Limiter, LimiterError, Limits, Outcome, Refusal};

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
    async fn reserve(&self, attempt: Attempt<'_>) -> Result<(), Refusal> {
        self.reserve_now(attempt, Instant::now())
            .map_err(|retry_after| Refusal::Throttled { retry_after })
    }

    async fn settle(&self, attempt: Attempt<'_>, outcome: Outcome) -> Result<(), LimiterError> {
        self.settle_now(attempt, outcome);
        Ok(())
    }
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
