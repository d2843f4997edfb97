//! Redis for the end-to-end tests of `--limiter redis://...`. `SAFE_UPDATE_TEST_REDIS` names
//! a server (`.ci/run` sets it after checking that the server answers); each test counts
//! under a key prefix of its own, whose keys expire a window after their last attempt.
//! Without the variable the Redis tests are skipped, and say so once.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

const VARIABLE: &str = "SAFE_UPDATE_TEST_REDIS";

/// The Redis server's URL, or `None` (said once per test binary) without the variable.
pub fn redis_url() -> Option<String> {
    static SAID: Once = Once::new();
    let url = std::env::var(VARIABLE).ok().filter(|url| !url.is_empty());
    if url.is_none() {
        SAID.call_once(|| {
            // Straight to the terminal: the test harness hides what a passing test prints.
            let _ = writeln!(
                std::io::stderr(),
                "note: the Redis variants of these tests were skipped: set {VARIABLE} to a \
                 server's URL (for example redis://127.0.0.1:6379) to run them"
            );
        });
    }
    url
}

/// A key prefix no other test (of this or any concurrent run) counts under.
pub fn fresh_prefix() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    format!("safe-update-e2e:{}:{nanos}:{n}:", std::process::id())
}
