//! Integration and compile-fail tests of `safe-update`; the tests live in `tests/`. The
//! library part holds what several test files share: the suite every login counter store
//! passes ([`limiter_suite`](mod@limiter_suite)), the security-log capture and the axum test server.
#![forbid(unsafe_code)]

pub mod capture;
pub mod limiter_suite;
pub mod serve;
