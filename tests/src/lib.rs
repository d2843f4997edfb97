//! Integration and compile-fail tests of `safe-update`; the tests live in `tests/`.
#![forbid(unsafe_code)]
