//! The login limiter's counters in the database, so that every instance of the server counts
//! against the same limits: N instances allow what one does, not N times as much.
//!
//! The rules are those of `safe_update::auth::MemoryLimiter` (5 checks per user name and
//! client, 20 per client, 100 per user name, per window after a counter's last attempt; a
//! good password gives its attempt back and forgets that name's failures from that client;
//! a client is the address `Limits::counted_as` gives, an IPv6 /64 by default).
//! The decisions are made here, the same for both backends; each backend reads and writes the
//! counters in one transaction that holds their rows' locks ([`crate::db`]), so an attempt is
//! checked and counted against all its limits atomically with respect to every other
//! instance. Time is the database's, so instances whose clocks differ still agree.

use std::time::Duration;

use safe_update::auth::{Attempt, Limiter, LimiterError, Limits, Outcome, Refusal};

use crate::db::Database;

// User names are chosen by clients: a longer one is cut, so a counter's size is bounded.
const MAX_NAME_CHARS: usize = 64;

/// A counter an attempt falls under: its row's key and its limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    /// The row's key: `u:NAME`, `c:CLIENT` or `uc:CLIENT:NAME`, where `CLIENT` is the
    /// address the library counts the client under (`Limits::counted_as`: an IPv6 address
    /// cut to its prefix, an IPv4-mapped one as its IPv4 address).
    pub name: String,
    /// How many checks it allows per window.
    pub max: u32,
}

impl Key {
    /// Whether this is the per-user-and-client counter, forgotten on a good password.
    fn is_user_and_client(&self) -> bool {
        self.name.starts_with("uc:")
    }
}

/// A counter as stored: its count and how long ago its last attempt was.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Counter {
    /// Attempts counted in its window.
    pub count: u32,
    /// Time since the last one, by the database's clock.
    pub age: Duration,
}

/// What to do with a counter's row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// Set its count (and, on a reservation, its last attempt to now).
    Set(u32),
    /// Delete the row.
    Delete,
    /// Leave it.
    Keep,
}

/// The counters `attempt` falls under, sorted by name: every transaction locks rows in that
/// order, so two of them never wait for each other.
pub fn keys(limits: &Limits, attempt: Attempt<'_>) -> Vec<Key> {
    let user: String = attempt.user.chars().take(MAX_NAME_CHARS).collect();
    // The library says which address a client is counted under, so that every store agrees
    // on it: one IPv6 /64 is one client, not 2^64 of them.
    let client = attempt
        .client
        .map(|addr| limits.counted_as(addr).to_string());
    let mut keys = vec![
        Key {
            name: format!("uc:{}:{user}", client.as_deref().unwrap_or("-")),
            max: limits.per_user_and_client,
        },
        Key {
            name: format!("u:{user}"),
            max: limits.per_user,
        },
    ];
    if let Some(client) = client {
        keys.push(Key {
            name: format!("c:{client}"),
            max: limits.per_client,
        });
    }
    keys.sort_by(|a, b| a.name.cmp(&b.name));
    keys
}

/// A reservation: the writes that count the attempt under each key (all of them), or how long
/// to wait when a live counter is at its limit (nothing written). `counters[i]` is the row of
/// `keys[i]`, if there is one.
pub fn reserve(
    limits: &Limits,
    keys: &[Key],
    counters: &[Option<Counter>],
) -> Result<Vec<Write>, Duration> {
    let live = |counter: &&Counter| counter.age < limits.window;
    let mut wait = Duration::ZERO;
    for (key, counter) in keys.iter().zip(counters) {
        if let Some(counter) = counter.as_ref().filter(live) {
            if counter.count >= key.max {
                wait = wait.max(limits.window - counter.age);
            }
        }
    }
    if !wait.is_zero() {
        return Err(wait);
    }
    Ok(counters
        .iter()
        .map(|counter| match counter.as_ref().filter(live) {
            Some(counter) => Write::Set(counter.count + 1),
            None => Write::Set(1),
        })
        .collect())
}

/// How a counted attempt ended, as writes: a failure stays counted; otherwise the attempt is
/// given back, and a good password forgets the user-and-client counter.
pub fn settle(outcome: Outcome, keys: &[Key], counters: &[Option<Counter>]) -> Vec<Write> {
    keys.iter()
        .zip(counters)
        .map(|(key, counter)| match (outcome, counter) {
            (Outcome::Failed, _) | (_, None) => Write::Keep,
            (Outcome::Succeeded, Some(_)) if key.is_user_and_client() => Write::Delete,
            (_, Some(counter)) if counter.count <= 1 => Write::Delete,
            (_, Some(counter)) => Write::Set(counter.count - 1),
        })
        .collect()
}

/// The limiter over the database's counters.
#[derive(Clone)]
pub struct DbLimiter {
    db: Database,
    limits: Limits,
}

impl DbLimiter {
    /// Counts in `db` with `limits`.
    pub fn new(db: Database, limits: Limits) -> Self {
        DbLimiter { db, limits }
    }
}

impl Limiter for DbLimiter {
    async fn reserve(&self, attempt: Attempt<'_>) -> Result<(), Refusal> {
        let keys = keys(&self.limits, attempt);
        // Fail closed: the authenticator logs the error and runs no check uncounted.
        match self.db.reserve_login(keys, self.limits).await {
            Ok(granted) => granted.map_err(|retry_after| Refusal::Throttled { retry_after }),
            Err(error) => Err(Refusal::Unavailable(LimiterError::new(error))),
        }
    }

    async fn settle(&self, attempt: Attempt<'_>, outcome: Outcome) -> Result<(), LimiterError> {
        if outcome == Outcome::Failed {
            return Ok(());
        }
        let keys = keys(&self.limits, attempt);
        // On an error the attempt stays counted (the authenticator logs it): too strict for
        // a window, never too lax.
        self.db
            .settle_login(keys, outcome)
            .await
            .map_err(LimiterError::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    fn small() -> Limits {
        Limits {
            per_user_and_client: 2,
            per_client: 3,
            per_user: 4,
            window: Duration::from_secs(60),
            ipv6_prefix: 64,
        }
    }

    fn at(count: u32, age_secs: u64) -> Option<Counter> {
        Some(Counter {
            count,
            age: Duration::from_secs(age_secs),
        })
    }

    fn guess() -> Attempt<'static> {
        Attempt {
            user: "alice",
            client: Some([10, 0, 0, 1].into()),
        }
    }

    #[test]
    fn keys_are_sorted_and_a_long_name_is_cut() {
        let names: Vec<String> = keys(&small(), guess())
            .into_iter()
            .map(|k| k.name)
            .collect();
        assert_eq!(names, ["c:10.0.0.1", "u:alice", "uc:10.0.0.1:alice"]);
        let long = "x".repeat(1000);
        let attempt = Attempt {
            user: &long,
            client: None,
        };
        let keys = keys(&small(), attempt);
        assert_eq!(keys.len(), 2, "no per-client counter without a client");
        assert!(keys.iter().all(|key| key.name.len() <= 64 + 5));
    }

    #[test]
    fn an_ipv6_client_is_its_prefix_and_a_mapped_ipv4_one_its_ipv4_address() {
        let names = |client: &str| -> Vec<String> {
            let attempt = Attempt {
                user: "alice",
                client: Some(client.parse().unwrap()),
            };
            keys(&small(), attempt)
                .into_iter()
                .map(|k| k.name)
                .collect()
        };
        let prefix = ["c:2001:db8:0:7::", "u:alice", "uc:2001:db8:0:7:::alice"];
        assert_eq!(names("2001:db8:0:7::1"), prefix);
        assert_eq!(names("2001:db8:0:7:ffff:ffff:ffff:30"), prefix);
        assert_ne!(
            names("2001:db8:0:8::1"),
            prefix,
            "the next /64 is another client"
        );
        assert_eq!(names("::ffff:10.0.0.1"), names("10.0.0.1"));
        // The prefix is the limits' to say: /128 counts each address alone.
        let exact = Limits {
            ipv6_prefix: 128,
            ..small()
        };
        let attempt = Attempt {
            user: "alice",
            client: Some("2001:db8:0:7::1".parse().unwrap()),
        };
        assert_eq!(keys(&exact, attempt)[0].name, "c:2001:db8:0:7::1");
    }

    #[test]
    fn a_live_counter_at_its_limit_refuses_all_and_says_how_long() {
        let limits = small();
        let keys = keys(&limits, guess());
        // c, u, uc: the per-user-and-client counter (limit 2) is full, 10 s old.
        let full = [at(1, 5), at(1, 5), at(2, 10)];
        assert_eq!(reserve(&limits, &keys, &full), Err(50 * SECOND));
        // Expired, it starts again at 1; the others count up.
        let expired = [at(1, 5), None, at(2, 61)];
        assert_eq!(
            reserve(&limits, &keys, &expired),
            Ok(vec![Write::Set(2), Write::Set(1), Write::Set(1)])
        );
    }

    #[test]
    fn a_good_password_gives_back_and_forgets_its_failures_from_that_client() {
        let keys = keys(&small(), guess());
        let counters = [at(3, 0), at(1, 0), at(2, 0)];
        assert_eq!(
            settle(Outcome::Succeeded, &keys, &counters),
            [Write::Set(2), Write::Delete, Write::Delete]
        );
        assert_eq!(
            settle(Outcome::NotChecked, &keys, &counters),
            [Write::Set(2), Write::Delete, Write::Set(1)]
        );
        assert_eq!(
            settle(Outcome::Failed, &keys, &counters),
            [Write::Keep, Write::Keep, Write::Keep]
        );
    }
}
