//! Configuring an [`Authenticator`] once, at start-up.

use std::fmt;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use rand_core::{OsRng, RngCore};

use super::cache::VerifiedCache;
use super::challenge::{basic_challenge, is_valid_realm};
use super::limiter::DynLimiter;
use super::password::owasp_argon2;
use super::slots::Slots;
use super::store::DynStore;
use super::verifier::Inner;
use super::{hash_password, Authenticator, HashError, Limiter, MemoryLimiter, ARGON2_M_COST};

// A remembered success outlives neither a revoked password nor a day; the cache crate also
// refuses lifetimes of centuries.
const MAX_CACHE_TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// The memory of one argon2 run with the OWASP cost, in bytes: 19 MiB.
const HASH_MEMORY: u64 = ARGON2_M_COST as u64 * 1024;

/// The default [`hash_memory_budget`](AuthenticatorBuilder::hash_memory_budget): 512 MiB, 26
/// runs of 19 MiB. Machines with up to 26 cores (laptops, and most servers and containers) are
/// bound by their cores, as before the budget; a larger one runs at most 26 hashes at once,
/// about a thousand logins a second, which no login flow needs more of, and keeps argon2's
/// memory at half a GiB where it would otherwise grow with the core count.
pub const DEFAULT_HASH_MEMORY_BUDGET: u64 = 512 * 1024 * 1024;

/// Requests that may wait for a slot, per slot, by default: at ~20 ms a run, the last of
/// them waits about 1.3 s, well within the default `slot_wait`.
const WAITING_PER_SLOT: usize = 64;

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
///     .hash_memory_budget(64 * 1024 * 1024)            // default 512 MiB
///     .max_waiting(16)                                 // default 64 per slot
///     .slot_wait(Duration::from_secs(2))               // default 5 s
///     .limiter(MemoryLimiter::new(Limits { per_user_and_client: 3, ..Limits::default() }))
///     .build()                                         // default limiter: MemoryLimiter::default()
///     .unwrap();
/// assert_eq!(auth.realm(), "staff");
/// assert_eq!(auth.hash_slots(), 2);
/// ```
pub struct AuthenticatorBuilder {
    store: Box<dyn DynStore>,
    limiter: Box<dyn DynLimiter>,
    realm: String,
    cache_ttl: Duration,
    cache_capacity: u64,
    max_concurrent: usize,
    hash_memory_budget: u64,
    max_waiting: Option<usize>,
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
            hash_memory_budget: DEFAULT_HASH_MEMORY_BUDGET,
            max_waiting: None,
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

    /// How many argon2 runs may happen at once, password checks and new hashes
    /// ([`Authenticator::hash_password`]) together; at least 1; by default the number of CPUs.
    /// The [`hash_memory_budget`](Self::hash_memory_budget) still applies: the slots are the
    /// smaller of the two, so a number above what the budget allows is cut to it (raise the
    /// budget too to get it). [`Authenticator::hash_slots`] says what was granted.
    pub fn max_concurrent_verifications(mut self, slots: usize) -> Self {
        self.max_concurrent = slots.max(1);
        self
    }

    /// The most memory argon2 may hold at once, in bytes, for password checks and new hashes
    /// together: the slots are at most this divided by the memory of one run with the OWASP
    /// cost ([`ARGON2_M_COST`] KiB, 19 MiB). By default [`DEFAULT_HASH_MEMORY_BUDGET`]
    /// (512 MiB), which leaves the core count as the limit on machines with up to 26 cores.
    /// A budget smaller than one run cannot hash anything: [`build`](Self::build) refuses it.
    ///
    /// A stored hash with a higher memory cost takes as many slots as its memory fills (all of
    /// them at most, so one costlier than the whole budget runs alone, and exceeds it).
    ///
    /// ```
    /// use safe_update::auth::{Authenticator, MemoryStore};
    ///
    /// let auth = Authenticator::builder(MemoryStore::new())
    ///     .max_concurrent_verifications(8)
    ///     .hash_memory_budget(64 * 1024 * 1024) // 3 runs of 19 MiB fit
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(auth.hash_slots(), 3);
    /// ```
    pub fn hash_memory_budget(mut self, bytes: u64) -> Self {
        self.hash_memory_budget = bytes;
        self
    }

    /// How many requests (checks and new hashes) may wait for a slot at once; past that, a
    /// request that finds no free slot is refused at once with
    /// [`AuthError::Busy`](super::AuthError::Busy) or [`HashError::Busy`] (HTTP 503), rather
    /// than queued. Zero refuses whenever every slot is taken. By default 64 per slot.
    pub fn max_waiting(mut self, requests: usize) -> Self {
        self.max_waiting = Some(requests);
        self
    }

    /// How long a request waits in the queue for a free slot before giving up with
    /// [`AuthError::Busy`](super::AuthError::Busy) or [`HashError::Busy`] (HTTP 503). The wait
    /// parks a future, not a thread.
    pub fn slot_wait(mut self, wait: Duration) -> Self {
        self.slot_wait = wait;
        self
    }

    /// What counts password checks and refuses them past a limit; by default
    /// [`MemoryLimiter::default()`] (see [`Limits`](super::Limits)), whose counters are the
    /// process's own. Several instances of a service share their limits through a
    /// [`StoreLimiter`](super::StoreLimiter) over a store they share (PostgreSQL or Redis, see
    /// the features `limiter-postgres` and `limiter-redis`, or a
    /// [`CounterStore`](super::CounterStore) of their own); [`NoLimit`](super::NoLimit) turns
    /// it off.
    pub fn limiter(mut self, limiter: impl Limiter) -> Self {
        self.limiter = Box::new(limiter);
        self
    }

    /// The authenticator; hashes the dummy password for unknown users now (~20 ms).
    ///
    /// # Errors
    ///
    /// [`BuildError::InvalidRealm`] for a realm with a control character,
    /// [`BuildError::HashMemoryBudget`] for a budget smaller than one argon2 run,
    /// [`BuildError::Hash`] when the machine could not make the dummy hash or the cache key.
    pub fn build(self) -> Result<Authenticator, BuildError> {
        if !is_valid_realm(&self.realm) {
            return Err(BuildError::InvalidRealm);
        }
        let affordable = self.hash_memory_budget / HASH_MEMORY;
        if affordable == 0 {
            return Err(BuildError::HashMemoryBudget {
                budget: self.hash_memory_budget,
                needed: HASH_MEMORY,
            });
        }
        let slots = self
            .max_concurrent
            .min(usize::try_from(affordable).unwrap_or(usize::MAX));
        let max_waiting = self
            .max_waiting
            .unwrap_or_else(|| slots.saturating_mul(WAITING_PER_SLOT));
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
            dummy_hash,
            cache,
            slots: Slots::new(
                slots,
                max_waiting,
                self.slot_wait,
                owasp_argon2()?.params().block_count(),
            ),
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
            .field("hash_memory_budget", &self.hash_memory_budget)
            .field("max_waiting", &self.max_waiting)
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
    /// The [`hash_memory_budget`](AuthenticatorBuilder::hash_memory_budget) is smaller than
    /// one argon2 run: no password could ever be checked.
    HashMemoryBudget {
        /// The budget, in bytes.
        budget: u64,
        /// The memory of one run, in bytes.
        needed: u64,
    },
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
            BuildError::HashMemoryBudget { budget, needed } => write!(
                f,
                "the hash memory budget ({budget} bytes) is smaller than one argon2 run ({needed} bytes): no password could be checked"
            ),
            BuildError::Hash(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::InvalidRealm | BuildError::HashMemoryBudget { .. } => None,
            BuildError::Hash(error) => Some(error),
        }
    }
}
