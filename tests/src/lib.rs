//! Integration and compile-fail tests of `safe-update`; the tests live in `tests/`, and what
//! several of them share lives here.
#![forbid(unsafe_code)]

pub mod capture;
pub mod serve;
