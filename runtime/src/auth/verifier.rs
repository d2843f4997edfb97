//! Checking credentials against the user store: argon2id, a dummy hash, the cache, the cap.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use argon2::password_hash::{self, PasswordHash, PasswordVerifier};
use argon2::Argon2;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::cache::VerifiedCache;
use super::{
    AuthError, AuthenticatorBuilder, Credentials, Identity, Password, UserStore,
    SECURITY_LOG_TARGET,
};

/// Verifies Basic credentials against a [`UserStore`]: the framework-free core of
/// authentication. Cheap to clone (one `Arc`); build it once at start-up with
/// [`Authenticator::builder`].
///
/// For each attempt it asks the store for the user's PHC hash and roles, then checks the
/// password with argon2id. An unknown user is checked against a dummy hash made at start-up,
/// so the answer takes as long as for a wrong password. Successes are cached (keyed by an
/// HMAC of user, password and stored hash) so that a busy client skips argon2, and at most
/// [`max_concurrent_verifications`](AuthenticatorBuilder::max_concurrent_verifications)
/// argon2 runs (19 MiB each) happen at once.
///
/// ```
/// use safe_update::auth::{AuthError, Authenticator, Credentials, MemoryStore};
///
/// let store = MemoryStore::new().with_user("alice", "s3cret", ["admin"]).unwrap();
/// let auth = Authenticator::builder(store).realm("staff").build().unwrap();
///
/// let alice = auth.authenticate(&Credentials::new("alice", "s3cret").unwrap()).unwrap();
/// assert_eq!((alice.name(), alice.roles()), ("alice", &["admin".to_string()][..]));
///
/// let wrong = auth.authenticate(&Credentials::new("alice", "guess").unwrap());
/// assert!(matches!(wrong, Err(AuthError::BadCredentials)));
/// let unknown = auth.authenticate(&Credentials::new("mallory", "guess").unwrap());
/// assert!(matches!(unknown, Err(AuthError::BadCredentials)));
/// ```
#[derive(Clone)]
pub struct Authenticator {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) store: Box<dyn UserStore>,
    pub(crate) argon2: Argon2<'static>,
    pub(crate) dummy_hash: String,
    pub(crate) cache: Option<VerifiedCache>,
    pub(crate) slots: Arc<Semaphore>,
    pub(crate) max_concurrent: usize,
    pub(crate) slot_wait: Duration,
    pub(crate) cache_ttl: Duration,
    pub(crate) cache_capacity: u64,
    pub(crate) realm: String,
    pub(crate) challenge: String,
    pub(crate) hash_checks: AtomicU64,
}

impl Authenticator {
    /// Starts configuring an authenticator over `store`.
    pub fn builder(store: impl UserStore) -> AuthenticatorBuilder {
        AuthenticatorBuilder::new(Box::new(store))
    }

    pub(crate) fn from_inner(inner: Inner) -> Self {
        Authenticator {
            inner: Arc::new(inner),
        }
    }

    /// Verifies `credentials`; blocks for the store lookup and, unless cached, ~20 ms of
    /// argon2. Call it from a blocking thread, not from an async executor.
    ///
    /// When every verification slot is taken, an uncached check fails at once with
    /// [`AuthError::Busy`] (the actix extractor waits for a slot instead). Failures are
    /// logged as security events (user-id only) under [`SECURITY_LOG_TARGET`].
    pub fn authenticate(&self, credentials: &Credentials) -> Result<Identity, AuthError> {
        self.authenticate_with(credentials, None)
    }

    /// [`authenticate`](Self::authenticate) for a caller that already holds a slot.
    #[cfg(feature = "actix")]
    pub(crate) fn authenticate_in_slot(
        &self,
        credentials: &Credentials,
        slot: OwnedSemaphorePermit,
    ) -> Result<Identity, AuthError> {
        self.authenticate_with(credentials, Some(slot))
    }

    /// The realm of the `WWW-Authenticate` challenge.
    pub fn realm(&self) -> &str {
        &self.inner.realm
    }

    /// The `WWW-Authenticate` value for a 401: `Basic realm="...", charset="UTF-8"`.
    ///
    /// ```
    /// # use safe_update::auth::{Authenticator, MemoryStore};
    /// let auth = Authenticator::builder(MemoryStore::new()).realm(r#"the "inner" \ circle"#).build().unwrap();
    /// assert_eq!(auth.challenge(), r#"Basic realm="the \"inner\" \\ circle", charset="UTF-8""#);
    /// ```
    pub fn challenge(&self) -> &str {
        &self.inner.challenge
    }

    /// How many argon2 verifications have run (cache misses and unknown users): a metric, and
    /// how tests see the cache at work.
    pub fn hash_checks(&self) -> u64 {
        self.inner.hash_checks.load(Ordering::Relaxed)
    }

    /// The semaphore of verification slots, for callers that wait for one asynchronously.
    #[cfg(feature = "actix")]
    pub(crate) fn slots(&self) -> Arc<Semaphore> {
        Arc::clone(&self.inner.slots)
    }

    /// How long a request may wait for a verification slot.
    #[cfg(feature = "actix")]
    pub(crate) fn slot_wait(&self) -> Duration {
        self.inner.slot_wait
    }

    fn authenticate_with(
        &self,
        credentials: &Credentials,
        slot: Option<OwnedSemaphorePermit>,
    ) -> Result<Identity, AuthError> {
        let user_id = credentials.user_id();
        let password = credentials.password();
        let stored = match self.inner.store.find(user_id) {
            Ok(stored) => stored,
            Err(error) => {
                tracing::error!(user = ?user_id, %error, "authentication impossible: user store failed");
                return Err(AuthError::Store(error));
            }
        };
        let Some(stored) = stored else {
            // Same work as a wrong password, so the time taken does not say the user is unknown.
            let _slot = self.take_slot(slot)?;
            let _ = self.check(password, &self.inner.dummy_hash);
            return Err(self.failed(user_id));
        };
        let hash = stored.password_hash.as_str();
        let verify = move || -> Result<(), AuthError> {
            let _slot = self.take_slot(slot)?;
            if self.check(password, hash)? {
                Ok(())
            } else {
                Err(AuthError::BadCredentials)
            }
        };
        let verified = match &self.inner.cache {
            Some(cache) => cache.verified_or(cache.key(user_id, password.expose(), hash), verify),
            None => verify(),
        };
        match verified {
            Ok(()) => Ok(Identity::new(user_id, stored.roles)),
            Err(AuthError::BadCredentials) => Err(self.failed(user_id)),
            Err(AuthError::BadStoredHash) => {
                tracing::error!(user = ?user_id, "authentication impossible: stored password hash is not a usable PHC string");
                Err(AuthError::BadStoredHash)
            }
            Err(error) => Err(error),
        }
    }

    /// The caller's slot, or a free one, or `Busy`.
    fn take_slot(
        &self,
        held: Option<OwnedSemaphorePermit>,
    ) -> Result<OwnedSemaphorePermit, AuthError> {
        match held {
            Some(slot) => Ok(slot),
            None => Arc::clone(&self.inner.slots)
                .try_acquire_owned()
                .map_err(|_| AuthError::Busy),
        }
    }

    /// One argon2 verification: whether `password` matches the PHC string `phc`.
    fn check(&self, password: &Password, phc: &str) -> Result<bool, AuthError> {
        let hash = PasswordHash::new(phc).map_err(|_| AuthError::BadStoredHash)?;
        self.inner.hash_checks.fetch_add(1, Ordering::Relaxed);
        match self
            .inner
            .argon2
            .verify_password(password.expose().as_bytes(), &hash)
        {
            Ok(()) => Ok(true),
            Err(password_hash::Error::Password) => Ok(false),
            Err(_) => Err(AuthError::BadStoredHash),
        }
    }

    fn failed(&self, user_id: &str) -> AuthError {
        tracing::warn!(target: SECURITY_LOG_TARGET, user = ?user_id, "authentication failed");
        AuthError::BadCredentials
    }
}

impl fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Authenticator")
            .field("realm", &inner.realm)
            .field("cache_ttl", &inner.cache_ttl)
            .field("cache_capacity", &inner.cache_capacity)
            .field("max_concurrent_verifications", &inner.max_concurrent)
            .field("slot_wait", &inner.slot_wait)
            .field("hash_checks", &self.hash_checks())
            .finish_non_exhaustive()
    }
}
