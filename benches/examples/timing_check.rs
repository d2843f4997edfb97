//! Reliability timing check: refusing an unknown user must take as long as refusing a known
//! user's wrong password, or the response time tells an attacker which user names exist.
//!
//! `timing_check [ROUNDS] [TOLERANCE] [CONCURRENCY]` (defaults 41, 0.10 and 20): the checks
//! of `timing/checker.rs` (one at a time without cache, and in concurrent bursts with it) on
//! the library's `Authenticator`. Exits 1 when a ratio of medians is outside `1 ± TOLERANCE`
//! or an answer differs. `timing_check_control` runs the same checks on an authenticator that
//! skips argon2 for unknown users, to show that they fail when they should.
#![forbid(unsafe_code)]

#[path = "timing/checker.rs"]
mod checker;

fn main() {
    checker::main(|auth, _store| auth)
}
