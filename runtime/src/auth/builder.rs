//! Configuring an [`Authenticator`] once, at start-up.

use std::fmt;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;

use rand_core::{OsRng, RngCore};
use tokio::sync::Semaphore;

use super::cache::VerifiedCache;
use super::challenge::{basic_challenge, is_valid_realm};
use super::limiter::DynLimiter;
use super::password::owasp_argon2;
use super::store::DynStore;
use super::verifier::{BlockPool, Inner};
use super::{hash_password, Authenticator, HashError, Limiter, MemoryLimiter};

// A remembered success outlives neither a revoked password nor a day; the cache crate also
// refuses lifetimes of centuries.
const MAX_CACHE_TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// Settings of an [`Authenticator`], from [`Authenticator::builder`].
///
/// ```
/// use std::time::Duration;
/// use safe_update::auth::{Authenticator, MemoryStore};
///
/// use safe_update::auth::{Limits, MemoryLimiter};
///
/// let auth = Authenticator::builder(MemoryStore::new())
///     .realm("staff")                                  // default "api"
///     .cache_ttl(Duration::from_secs(30))              // default 60 s; zero disables the cache
///     .cache_capacity(1_000)                           // default 10 000 entries
///     .max_concurrent_verifications(2)                 // default: the number of CPUs
///     .slot_wait(Duration::from_secs(2))               // default 5 s
///     .limiter(MemoryLimiter::new(Limits { per_user_and_client: 3, ..Limits::default() }))
///     .build()                                         // default limiter: MemoryLimiter::default()
///     .unwrap();
/// assert_eq!(auth.realm(), "staff");
/// ```
pub struct AuthenticatorBuilder {
    store: Box<dyn DynStore>,
    limiter: Box<dyn DynLimiter>,
    realm: String,
    cache_ttl: Duration,
    cache_capacity: u64,
    max_concurrent: usize,
    slot_wait: Duration,
}

impl AuthenticatorBuilder {
    pub(crate) fn new(store: Box<dyn DynStore>) -> Self {
        AuthenticatorBuilder {
            store,
            limiter: Box::new(MemoryLimiter::default()),
            realm: "api".to_owned(),
            cache_ttl: Duration::from_secs(60),
            cache_capacity: 10_000,
            max_concurrent: std::thread::available_parallelism().map_or(2, usize::from),
            slot_wait: Duration::from_secs(5),
        }
    }

    /// The realm named in `WWW-Authenticate` challenges; no control characters.
    pub fn realm(mut self, realm: impl Into<String>) -> Self {
        self.realm = realm.into();
        self
    }

    /// How long a successful verification is remembered, at most a day. Zero disables the
    /// cache (and with it the sharing of one argon2 run between concurrent identical requests).
    pub fn cache_ttl(mut self, ttl: Duration) -> Self {
        self.cache_ttl = ttl.min(MAX_CACHE_TTL);
        self
    }

    /// How many successful verifications are remembered at most. Zero disables the cache.
    pub fn cache_capacity(mut self, entries: u64) -> Self {
        self.cache_capacity = entries;
        self
    }

    /// How many argon2 verifications may run at once (each holds 19 MiB); at least 1.
    pub fn max_concurrent_verifications(mut self, slots: usize) -> Self {
        self.max_concurrent = slots.clamp(1, Semaphore::MAX_PERMITS);
        self
    }

    /// How long a check waits for a free verification slot before giving up with
    /// [`AuthError::Busy`](super::AuthError::Busy) (HTTP 503). The wait parks a future, not a
    /// thread.
    pub fn slot_wait(mut self, wait: Duration) -> Self {
        self.slot_wait = wait;
        self
    }

    /// What counts password checks and refuses them past a limit; by default
    /// [`MemoryLimiter::default()`] (see [`Limits`](super::Limits)). Several instances of a
    /// service share one limiter over their database; [`NoLimit`](super::NoLimit) turns it off.
    pub fn limiter(mut self, limiter: impl Limiter) -> Self {
        self.limiter = Box::new(limiter);
        self
    }

    /// The authenticator; hashes the dummy password for unknown users now (~20 ms).
    pub fn build(self) -> Result<Authenticator, BuildError> {
        if !is_valid_realm(&self.realm) {
            return Err(BuildError::InvalidRealm);
        }
        let mut dummy_password = [0u8; 32];
        OsRng
            .try_fill_bytes(&mut dummy_password)
            .map_err(|_| HashError::Random)?;
        let dummy_hash = hash_password(&hex(&dummy_password))?;
        let cache = if self.cache_ttl.is_zero() || self.cache_capacity == 0 {
            None
        } else {
            Some(VerifiedCache::new(self.cache_capacity, self.cache_ttl)?)
        };
        Ok(Authenticator::from_inner(Inner {
            store: self.store,
            limiter: self.limiter,
            blocks: BlockPool::new(owasp_argon2()?.params().block_count(), self.max_concurrent),
            dummy_hash,
            cache,
            slots: Arc::new(Semaphore::new(self.max_concurrent)),
            max_concurrent: self.max_concurrent,
            slot_wait: self.slot_wait,
            cache_ttl: self.cache_ttl,
            cache_capacity: self.cache_capacity,
            challenge: basic_challenge(&self.realm),
            realm: self.realm,
            hash_checks: AtomicU64::new(0),
            hash_work: AtomicU64::new(0),
        }))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl fmt::Debug for AuthenticatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthenticatorBuilder")
            .field("realm", &self.realm)
            .field("cache_ttl", &self.cache_ttl)
            .field("cache_capacity", &self.cache_capacity)
            .field("max_concurrent_verifications", &self.max_concurrent)
            .field("slot_wait", &self.slot_wait)
            .finish_non_exhaustive()
    }
}

/// An [`Authenticator`] could not be built.
///
/// ```
/// use safe_update::auth::{Authenticator, BuildError, MemoryStore};
///
/// let error = Authenticator::builder(MemoryStore::new()).realm("a\nb").build().unwrap_err();
/// assert_eq!(error, BuildError::InvalidRealm);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildError {
    /// The realm contains a control character, which no header can carry.
    InvalidRealm,
    /// The dummy hash or the cache key could not be made.
    Hash(HashError),
}

impl From<HashError> for BuildError {
    fn from(error: HashError) -> Self {
        BuildError::Hash(error)
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::InvalidRealm => f.write_str("the realm contains a control character"),
            BuildError::Hash(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::InvalidRealm => None,
            BuildError::Hash(error) => Some(error),
        }
    }
}
