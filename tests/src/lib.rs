//! Integration tests of `safe-update` (the compile-fail cases are the crate in `compile-fail/`);
//! the tests live in `tests/`. The library part holds what several test files share: the
//! suite every login counter store passes ([`limiter_suite`](mod@limiter_suite)), the
//! security-log [`capture`], the axum test server, the [`fixtures`] (models, validators, error
//! readers) that were copies in several files, and the way a test of the one test binary gets
//! a process of its own ([`own_process`]).
#![forbid(unsafe_code)]

pub mod capture;
pub mod fixtures;
pub mod limiter_suite;
pub mod own_process;
pub mod serve;
