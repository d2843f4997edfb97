//! Integration and compile-fail tests of `safe-update`; the tests live in `tests/`. The
//! library part holds what several test files run: the suite every login counter store
//! passes ([`limiter_suite`]).
#![forbid(unsafe_code)]

pub mod limiter_suite;
