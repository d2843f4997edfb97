//! New password hashes made by the authenticator share the argon2 slots of password checks:
//! however many are asked for at once, argon2 never holds more memory than the slots' budget.

use std::sync::Arc;
use std::time::Duration;

use safe_update::auth::{
    AuthError, Authenticator, BuildError, Credentials, MemoryStore, NoLimit, StoredUser,
    ARGON2_M_COST,
};

/// The memory of one argon2 run with the OWASP cost, in bytes.
const ONE_RUN: u64 = ARGON2_M_COST as u64 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_new_hashes_and_checks_never_holds_more_than_the_budget() {
    let store = Arc::new(MemoryStore::new());
    let auth = Authenticator::builder(store.clone())
        .max_concurrent_verifications(8)
        .hash_memory_budget(2 * ONE_RUN)
        .cache_ttl(Duration::ZERO)
        .limiter(NoLimit)
        // Every request waits its turn here: the test is about memory, not refusals.
        .max_waiting(100)
        .slot_wait(Duration::from_secs(600))
        .build()
        .unwrap();
    assert_eq!(auth.hash_slots(), 2, "the budget cuts the 8 asked for");
    store.insert(StoredUser::new(
        "alice",
        auth.hash_password("correct horse").await.unwrap(),
        ["user"],
    ));
    let mut hashes = Vec::new();
    let mut checks = Vec::new();
    for n in 0..16 {
        let auth = auth.clone();
        hashes.push(tokio::spawn(async move {
            auth.hash_password(&format!("new password {n}")).await
        }));
    }
    for _ in 0..8 {
        let auth = auth.clone();
        checks.push(tokio::spawn(async move {
            let alice = Credentials::new("alice", "correct horse").unwrap();
            auth.authenticate(&alice, None).await
        }));
    }
    for hash in hashes {
        assert!(hash.await.unwrap().is_ok());
    }
    for check in checks {
        assert_eq!(check.await.unwrap().unwrap().name(), "alice");
    }
    // 25 argon2 runs, at most two at a time: never more than two buffers of 19 MiB.
    assert!(
        auth.peak_hash_memory() <= 2 * ONE_RUN,
        "argon2 held {} bytes at once",
        auth.peak_hash_memory()
    );
    assert_eq!(auth.hash_checks(), 8);
}

#[test]
fn the_slots_are_the_cores_or_the_count_asked_for_within_the_budget() {
    let slots = |count: usize, budget: u64| {
        Authenticator::builder(MemoryStore::new())
            .max_concurrent_verifications(count)
            .hash_memory_budget(budget)
            .build()
            .unwrap()
            .hash_slots()
    };
    assert_eq!(
        slots(8, 3 * ONE_RUN + ONE_RUN / 2),
        3,
        "cut to what the budget holds"
    );
    assert_eq!(slots(1, 100 * ONE_RUN), 1, "fewer than the budget allows");
    assert_eq!(slots(0, ONE_RUN), 1, "at least one");
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let default = Authenticator::builder(MemoryStore::new()).build().unwrap();
    assert_eq!(default.hash_slots(), cores.min(26), "512 MiB holds 26 runs");
}

#[test]
fn a_budget_smaller_than_one_run_is_refused() {
    let error = Authenticator::builder(MemoryStore::new())
        .hash_memory_budget(ONE_RUN - 1)
        .build()
        .unwrap_err();
    assert_eq!(
        error,
        BuildError::HashMemoryBudget {
            budget: ONE_RUN - 1,
            needed: ONE_RUN
        }
    );
    assert!(
        error.to_string().contains("smaller than one argon2 run"),
        "{error}"
    );
}

#[tokio::test]
async fn a_busy_hash_is_answered_as_a_busy_login() {
    // What a web layer shows for both: 503 `authentication_busy` with `Retry-After`.
    let problem = safe_update::web::AuthRejection::new(
        safe_update::web::AuthFailure::Auth(AuthError::Busy),
        None,
    )
    .problem();
    assert_eq!(
        (problem.status(), problem.code()),
        (503, "authentication_busy")
    );
    assert_eq!(problem.headers(), [("retry-after", "1".to_owned())]);
}
