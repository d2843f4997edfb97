//! `safe-update-demo`: see the crate documentation.
#![forbid(unsafe_code)]

fn main() {}
