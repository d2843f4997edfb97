//! Reliability timing check: the median time to refuse an unknown user against the median
//! time to refuse a known user's wrong password. The ratio must be close to 1, or the
//! response time tells an attacker which user names exist.
//!
//! `timing_check [ROUNDS] [TOLERANCE]` (defaults 41 and 0.10): the two cases alternate, one
//! of each per round, on an authenticator without cache. Exits 1 when the ratio of medians
//! is outside `1 ± TOLERANCE`.
#![forbid(unsafe_code)]

use std::time::{Duration, Instant};

use safe_update::auth::{Authenticator, Credentials, MemoryStore};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let rounds: usize = args.next().map_or(41, |n| n.parse().expect("ROUNDS"));
    let tolerance: f64 = args.next().map_or(0.10, |t| t.parse().expect("TOLERANCE"));
    let store = MemoryStore::new()
        .with_user("alice", "correct horse battery staple", ["user"])
        .expect("hash");
    let auth = Authenticator::builder(store)
        .cache_ttl(Duration::ZERO)
        .build()
        .expect("authenticator");
    let unknown = Credentials::new("mallory", "correct horse battery staple").expect("valid");
    let wrong = Credentials::new("alice", "wrong horse battery staple").expect("valid");
    let time = |credentials: &Credentials| {
        let start = Instant::now();
        let refused = auth.authenticate(credentials).is_err();
        assert!(refused, "must be refused");
        start.elapsed()
    };
    // Warm-up: page in argon2's memory for both paths.
    time(&unknown);
    time(&wrong);
    let checks = auth.hash_checks();
    let (mut unknown_times, mut wrong_times) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        // Alternate which goes first, so that neither always follows the other.
        if round % 2 == 0 {
            unknown_times.push(time(&unknown));
            wrong_times.push(time(&wrong));
        } else {
            wrong_times.push(time(&wrong));
            unknown_times.push(time(&unknown));
        }
    }
    assert_eq!(
        auth.hash_checks() - checks,
        2 * rounds as u64,
        "one argon2 run per attempt"
    );
    let (unknown_median, wrong_median) = (median(unknown_times), median(wrong_times));
    let ratio = unknown_median.as_secs_f64() / wrong_median.as_secs_f64();
    let ok = (ratio - 1.0).abs() <= tolerance;
    println!(
        "timing: unknown user median {:.2} ms, wrong password median {:.2} ms, ratio {:.3} ({} rounds, tolerance {}): {}",
        unknown_median.as_secs_f64() * 1e3,
        wrong_median.as_secs_f64() * 1e3,
        ratio,
        rounds,
        tolerance,
        if ok { "ok" } else { "VIOLATION" }
    );
    std::process::exit(if ok { 0 } else { 1 });
}
