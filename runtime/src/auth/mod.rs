//! Basic Auth identities (RFC 7617): credentials, roles, password verification.
//!
//! Authentication answers "who is asking", never "which fields may they write": that second
//! question is the patch type's. This module is the first half, with no web framework: the
//! `actix` module (feature `actix`) only adapts it.
//!
//! - [`Credentials`] parses an `Authorization: Basic` header value strictly, and keeps the
//!   [`Password`] out of logs and wipes it on drop.
//! - A [`UserStore`] gives a user's name, argon2 PHC hash and roles ([`MemoryStore`] for tests
//!   and small apps; a blocking store is wrapped in [`Blocking`]); a server makes the hash of
//!   a new password with [`Authenticator::hash_password`], a command-line tool with
//!   [`hash_password`].
//! - The [`Authenticator`] verifies credentials against the store (argon2id on tokio's
//!   blocking pool, a dummy hash for unknown users, a [`Limiter`] that counts every check
//!   before it runs, in memory or in a store several instances share ([`StoreLimiter`]), a
//!   cache of recent successes, slots that bound the argon2 runs of checks and new hashes
//!   together, in CPU and in memory) and returns an [`Identity`], which implements
//!   [`Roles`](crate::Roles) for `apply_as`.
//!
//! ```
//! use safe_update::auth::{Authenticator, Credentials, MemoryStore};
//! use safe_update::Roles;
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let store = MemoryStore::new()
//!     .with_user("Aladdin", "open sesame", ["user"])
//!     .unwrap();
//! let auth = Authenticator::builder(store).build().unwrap();
//!
//! let credentials = Credentials::parse("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==").unwrap();
//! let who = auth.authenticate(&credentials, None).await.unwrap();
//! assert_eq!(who.name(), "Aladdin");
//! assert!(who.has_role("user") && !who.has_role("admin"));
//!
//! // A second check within the cache's lifetime skips argon2.
//! let checks = auth.hash_checks();
//! auth.authenticate(&credentials, None).await.unwrap();
//! assert_eq!(auth.hash_checks(), checks);
//! # });
//! ```

mod builder;
mod cache;
mod challenge;
mod credentials;
mod error;
mod hasher;
mod identity;
mod limiter;
mod memory;
mod password;
mod slots;
mod store;
mod verifier;

pub use builder::{AuthenticatorBuilder, BuildError, DEFAULT_HASH_MEMORY_BUDGET};
pub use credentials::{Credentials, CredentialsError};
pub use error::AuthError;
pub use identity::{Identity, MissingRole};
pub use limiter::{
    Attempt, Cap, Counted, CounterStore, Limiter, LimiterError, Limits, MemoryCounters,
    MemoryLimiter, NoLimit, Outcome, Refusal, StoreLimiter, MAX_KEY_BYTES,
};
#[cfg(feature = "limiter-postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "limiter-postgres")))]
pub use limiter::{PostgresCounters, PostgresCountersError};
#[cfg(feature = "limiter-redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "limiter-redis")))]
pub use limiter::{RedisCounters, RedisCountersError};
pub use memory::MemoryStore;
pub use password::{
    hash_password, HashError, Password, ARGON2_M_COST, ARGON2_P_COST, ARGON2_T_COST,
};
pub use store::{Blocking, BlockingUserStore, StoreError, StoredUser, UserStore};
pub use verifier::Authenticator;

/// The `tracing` target of security events: failed authentications, missing roles, and
/// patches refused for server-only or role-gated fields. Events carry user names and field
/// names, never values or passwords.
pub const SECURITY_LOG_TARGET: &str = "safe_update::security";
