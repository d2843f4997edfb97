//! Failed-login throttling, per user name and per client address, checked before argon2 runs.
//!
//! Only failures count: a key that failed `max` times, each less than `window` after the
//! previous one, is refused until `window` has passed since its last failure. Refused attempts
//! are not verified and do not count. The counters live in a bounded cache, so a flood of
//! made-up user names cannot exhaust memory.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use moka::ops::compute::Op;
use moka::sync::Cache;

/// How many failures each kind of key may have per window.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Failures allowed per user name.
    pub per_user: u32,
    /// Failures allowed per client address.
    pub per_addr: u32,
    /// How long a failure is remembered.
    pub window: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_user: 5,
            per_addr: 20,
            window: Duration::from_secs(60),
        }
    }
}

#[derive(Clone, PartialEq, Eq, Hash)]
enum Key {
    User(String),
    Addr(IpAddr),
}

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

/// Failure counters for login attempts.
pub struct Throttle {
    limits: Limits,
    failures: Cache<Key, Failures>,
}

impl Throttle {
    /// Counters with the given limits.
    pub fn new(limits: Limits) -> Self {
        Throttle {
            limits,
            failures: Cache::builder()
                .max_capacity(100_000)
                .time_to_live(limits.window)
                .build(),
        }
    }

    /// `Err(retry_after)` when `user` or `addr` has used up its failures.
    pub fn check(&self, user: &str, addr: Option<IpAddr>) -> Result<(), Duration> {
        let mut wait = Duration::ZERO;
        for (key, max) in self.keys(user, addr) {
            if let Some(failures) = self.failures.get(&key) {
                if failures.count >= max {
                    let left = self.limits.window.saturating_sub(failures.last.elapsed());
                    wait = wait.max(left);
                }
            }
        }
        if wait.is_zero() {
            Ok(())
        } else {
            Err(wait)
        }
    }

    /// Records a failed login of `user` from `addr`.
    pub fn failed(&self, user: &str, addr: Option<IpAddr>) {
        let now = Instant::now();
        for (key, _) in self.keys(user, addr) {
            self.failures.entry(key).and_compute_with(|entry| {
                let count = entry.map_or(0, |entry| entry.into_value().count);
                Op::Put(Failures {
                    count: count.saturating_add(1),
                    last: now,
                })
            });
        }
    }

    /// Forgets the failures of `user` after a successful login (its address keeps them).
    pub fn succeeded(&self, user: &str) {
        self.failures.invalidate(&Key::User(user_key(user)));
    }

    fn keys(&self, user: &str, addr: Option<IpAddr>) -> impl Iterator<Item = (Key, u32)> {
        let user = (Key::User(user_key(user)), self.limits.per_user);
        let addr = addr.map(|addr| (Key::Addr(addr), self.limits.per_addr));
        std::iter::once(user).chain(addr)
    }
}

// Bounds the memory an attacker-chosen name takes.
fn user_key(user: &str) -> String {
    user.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_lock_the_name_and_the_address() {
        let throttle = Throttle::new(Limits {
            per_user: 2,
            per_addr: 3,
            window: Duration::from_secs(60),
        });
        let addr = Some(IpAddr::from([127, 0, 0, 1]));
        throttle.failed("alice", addr);
        assert!(throttle.check("alice", addr).is_ok());
        throttle.failed("alice", addr);
        let wait = throttle.check("alice", None).unwrap_err();
        assert!(wait > Duration::from_secs(58));
        assert!(throttle.check("bob", addr).is_ok());
        throttle.failed("bob", addr);
        assert!(throttle.check("carol", addr).is_err());
        throttle.succeeded("alice");
        assert!(throttle.check("alice", None).is_ok());
    }
}
