//! The demo's integration tests, one test binary: each module is a file of tests, run by
//! `cargo test -p safe-update-demo` (one module: `-- limiter_sqlite::`). One binary links
//! actix-web, axum, tokio and the database clients once, where a binary per file linked them
//! once per file.
//!
//! The tests of every module run side by side in one process. The end-to-end ones start the
//! server binaries as processes of their own, each on a database of its own; the few that
//! read state the whole process shares run in a process of their own
//! ([`common::own_process`]).

// First: its `both_servers!` is used by the modules below.
#[macro_use]
mod common;

mod admin;
mod articles;
mod articles_race;
mod busy;
mod check_order;
mod concurrency;
mod create;
mod database_url;
mod db;
mod http_table;
mod in_process;
mod instances;
mod ipv6_clients;
mod limiter_sqlite;
mod limiter_sqlite_shared;
mod login;
mod openapi;
mod policy;
mod profile;
mod proxy;
mod restart;
mod same_answers;
mod schema;
mod store_limits;
mod store_races;
mod username;
