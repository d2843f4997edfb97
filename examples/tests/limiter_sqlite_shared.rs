//! The login limiter's suite (`safe_update_tests::limiter_suite`) on the demo's store over an
//! SQLite file (`SqliteCounters`), as two servers on one file have it: two handles, each with
//! its own connections, the calls alternating between them, so that nothing but SQLite's
//! lock keeps their counts apart (a burst's calls contend for it from both).
//!
//! The cases are listed here rather than all written by `limiter_suite!`, for one of them:
//! `a_failing_store_fails_closed` finds its log lines in the process's one capture by the user
//! names the suite gives it, and `limiter_sqlite.rs` runs the same case, with the same names,
//! in this process. So here that case runs in a process of its own ([`own_process`]), and
//! [`every_case_of_the_suite_runs_on_two_handles`] keeps this list the suite's.

use safe_update_tests::limiter_suite::{cases, run};

use crate::common::on_one_file::OnOneFile;
use crate::common::own_process;

/// Two handles on one fresh file, each call on the next.
async fn two_handles() -> Result<OnOneFile, String> {
    OnOneFile::open(2)
}

// Every case but the failing store's, in this process, as `limiter_suite!` writes them: its
// own arm for a list of cases.
safe_update_tests::limiter_suite!(@cases two_handles;
    each_limit_holds_on_its_own,
    a_concurrent_burst_gets_exactly_the_limit,
    counters_expire_a_window_after_their_last_attempt,
    a_success_gives_back_and_forgets_the_failures_from_its_client_only,
    an_unchecked_attempt_is_given_back_and_a_failure_stays,
    a_counter_deleted_between_two_steps_is_not_made_again,
    the_addresses_of_one_ipv6_prefix_are_one_client,
    the_longest_keys_fit_the_store_and_long_names_share_a_counter,
);

#[test]
fn a_failing_store_fails_closed() {
    own_process::run(module_path!(), "a_failing_store_fails_closed", || {
        run(two_handles, cases::a_failing_store_fails_closed);
    });
}

/// The cases above are the suite's, as `limiter_sqlite.rs` runs it through `limiter_suite!`:
/// none missing (a case added to the suite), none left over.
#[test]
fn every_case_of_the_suite_runs_on_two_handles() {
    let names = own_process::test_names();
    let under = |prefix: &str| {
        let mut cases: Vec<&str> = names
            .iter()
            .filter_map(|name| name.strip_prefix(prefix))
            .filter(|case| *case != "every_case_of_the_suite_runs_on_two_handles")
            .collect();
        cases.sort_unstable();
        cases
    };
    let one_handle = under("limiter_sqlite::one_handle::");
    assert!(!one_handle.is_empty(), "no case listed: {names:?}");
    assert_eq!(under("limiter_sqlite_shared::"), one_handle);
}
