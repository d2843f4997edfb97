//! Demo server of `safe-update`: a user profile API over SQLite and HTTP Basic Auth in which
//! a client can write only the fields the model allows it to (no mass assignment).
#![forbid(unsafe_code)]

pub mod cli;
pub mod db;
pub mod model;
pub mod throttle;
