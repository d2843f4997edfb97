//! One test suite for every login counter store: the same cases run against the memory,
//! PostgreSQL and Redis stores, through the library's rules
//! ([`StoreLimiter`](safe_update::auth::StoreLimiter)).
//!
//! A store's test file is one line: [`limiter_suite!`](macro@crate::limiter_suite) with a factory of
//! fresh stores, an `async` closure returning `Result<S, String>` where `S` implements
//! `CounterStore`:
//!
//! ```ignore
//! // tests/tests/limiter_memory.rs
//! safe_update_tests::limiter_suite!(|| async { Ok(MemoryCounters::new()) });
//!
//! // tests/tests/limiter_postgres.rs (the factory is the store's to write)
//! safe_update_tests::limiter_suite!(fresh_postgres_counters);
//! ```
//!
//! The macro writes one `#[test]` per case, each on its own runtime (multi-threaded, so that a
//! burst is truly concurrent) with a store of its own from the factory. So the factory must
//! return a store that shares no counter with any other it returned, in this process or an
//! earlier run (a fresh table or schema, a fresh key prefix): the cases run in parallel, and
//! a counter left from a minute ago would break them. `Err(reason)` skips the case, printing
//! the reason: for a server that is not configured (`SAFE_UPDATE_TEST_POSTGRES` unset, say),
//! never for one that is configured and fails, which must panic.
//!
//! Every case runs the store behind [`Watched`], which checks each key the rules hand it
//! against the promise of [`Cap::key`](safe_update::auth::Cap::key) (printable, no
//! whitespace, at most [`MAX_KEY_BYTES`](safe_update::auth::MAX_KEY_BYTES)); the case
//! [`cases::a_failing_store_fails_closed`] puts [`Failing`] in front of it too.

pub mod cases;
mod failing;
mod watched;

use std::future::Future;

use safe_update::auth::CounterStore;

use crate::capture::Capture;

pub use failing::Failing;
pub use watched::Watched;

/// Writes one `#[test]` per case of the suite, each with a fresh store from `$fresh` (see the
/// [module](mod@crate::limiter_suite)).
#[macro_export]
macro_rules! limiter_suite {
    ($fresh:expr $(,)?) => {
        $crate::limiter_suite!(@cases $fresh;
            each_limit_holds_on_its_own,
            a_concurrent_burst_gets_exactly_the_limit,
            counters_expire_a_window_after_their_last_attempt,
            a_success_gives_back_and_forgets_the_failures_from_its_client_only,
            an_unchecked_attempt_is_given_back_and_a_failure_stays,
            a_counter_deleted_between_two_steps_is_not_made_again,
            the_addresses_of_one_ipv6_prefix_are_one_client,
            the_longest_keys_fit_the_store_and_long_names_share_a_counter,
            a_failing_store_fails_closed,
        );
    };
    (@cases $fresh:expr; $($case:ident,)*) => {
        $(
            #[test]
            fn $case() {
                $crate::limiter_suite::run($fresh, $crate::limiter_suite::cases::$case);
            }
        )*
    };
}

/// Runs `case` on a multi-threaded runtime with a store from `fresh`, or prints why it is
/// skipped. What the macro's tests call.
pub fn run<S, Fresh, Made, Case, Ran>(fresh: Fresh, case: Case)
where
    S: CounterStore,
    Fresh: FnOnce() -> Made,
    Made: Future<Output = Result<S, String>>,
    Case: FnOnce(Watched<S>) -> Ran,
    Ran: Future<Output = ()>,
{
    // Installed before any case logs: the authenticator's lines are read back.
    Capture::shared();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        match fresh().await {
            Ok(store) => {
                let store = Watched::new(store);
                case(store.clone()).await;
                assert_eq!(
                    store.bad_keys(),
                    [""; 0],
                    "keys that break Cap::key's promise"
                );
            }
            Err(reason) => eprintln!("skipped: {reason}"),
        }
    });
}
