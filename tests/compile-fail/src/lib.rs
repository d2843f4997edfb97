//! Compile-fail tests of `safe-update`: each case under `tests/ui/` must not compile, and
//! the error it gives is pinned in the `.stderr` beside it (`tests/ui.rs` runs them). Run
//! them with `cargo test -p safe-update-compile-fail`; after a change of rustc or of a
//! message, regenerate with `TRYBUILD=overwrite` and read every changed file.
#![forbid(unsafe_code)]
