//! The integration tests of `safe-update`, as one test binary: each file
//! beside this one is a module of it. One binary, not one per file, because every test binary
//! links actix-web, axum and tokio, and linking forty of them was most of a fresh
//! `cargo test`.
//!
//! Some tests need a process of their own: they install the global log subscriber, or observe
//! what the library does once per process. They re-run this binary as a child for their body
//! ([`safe_update_tests::own_process`]); every other test shares the one process.
#![forbid(unsafe_code)]

mod actix_audit;
mod actix_only;
mod adapters;
mod argon2_off_the_worker;
mod attr_passthrough;
mod auth_credentials;
mod auth_hashing;
mod auth_ipv6_clients;
mod auth_verifier;
mod axum_audit;
mod axum_without_client_address;
mod changed;
mod clear;
mod counter_stores;
mod crate_path;
mod create;
mod create_only;
mod create_property;
mod deserialize_stream;
mod form;
mod generic_document;
mod generics;
mod grants;
mod grants_property;
mod grants_schema;
mod json_patch;
mod json_patch_property;
mod json_patch_rfc;
mod json_patch_schema;
mod limiter_memory;
mod limiter_postgres;
mod limiter_redis;
mod nested;
// Public, so that its documented items are exported as a user's would be: `missing_docs`
// checks only what is reachable from outside the crate.
pub mod no_lint;
mod policy;
mod policy_data;
mod property;
mod redact;
mod rejection;
mod rename;
mod rfc7396;
mod roles;
mod schema;
mod serde_attrs;
mod serialize;
mod tristate;
mod utoipa_schema;
mod validate;
mod views;
mod views_property;
