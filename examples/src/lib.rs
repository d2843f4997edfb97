//! Demo server of `safe-update`: a user profile API, and articles, over SQLite or PostgreSQL
//! and HTTP Basic Auth, in which a client can write only the fields the model allows it to (no
//! mass assignment): users' fields by role, articles' by grants whose rules ask who the sender
//! is, what is stored and which value changes to which ([`article`], [`article_rules`]).
#![forbid(unsafe_code)]

pub mod account;
pub mod actix_app;
pub mod api;
pub mod article;
pub mod article_rules;
pub mod articles;
pub mod axum_app;
pub mod cli;
pub mod client;
pub mod db;
pub mod error;
pub mod limiter;
pub mod model;
pub mod openapi;
pub mod origin;
pub mod password;
pub mod policy;
pub mod precondition;
pub mod seed;
pub mod server;
pub mod store;
pub mod update;
