//! Checking credentials against the user store: one path for every check (known user, unknown
//! user, unusable stored hash), counted by the limiter, capped, shared, and off the executor.

use std::fmt;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use argon2::password_hash::{Output, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Params, Version, ARGON2ID_IDENT};

use super::cache::VerifiedCache;
use super::limiter::DynLimiter;
use super::slots::Slots;
use super::store::DynStore;
use super::{
    Attempt, AuthError, AuthenticatorBuilder, Credentials, Identity, Outcome, Password, Refusal,
    UserStore, SECURITY_LOG_TARGET,
};

/// Verifies Basic credentials against a [`UserStore`]: the framework-free core of
/// authentication. Cheap to clone (one `Arc`); build it once at start-up with
/// [`Authenticator::builder`].
///
/// For each attempt it asks the store for the user, then checks the password with argon2id on
/// tokio's blocking pool. Every check takes the same path, whoever the user is:
///
/// - an unknown user's password is checked against a dummy hash made at start-up, and a user
///   whose stored hash cannot be used is checked against it too (and logged for the operator),
///   so the answer and the time it takes never say which it was;
/// - the [`Limiter`](super::Limiter) counts the check before argon2 runs
///   ([`MemoryLimiter`](super::MemoryLimiter) by default);
/// - concurrent identical requests share one check, and successes are remembered for a short
///   while (keyed by an HMAC of user, password and stored hash), so a busy client skips argon2;
/// - argon2 runs (19 MiB each) take slots that checks share with the new hashes of
///   [`hash_password`](Authenticator::hash_password): as many as the cores, within
///   [`hash_memory_budget`](AuthenticatorBuilder::hash_memory_budget) (see
///   [`hash_slots`](Authenticator::hash_slots)); a check waits up to
///   [`slot_wait`](AuthenticatorBuilder::slot_wait) for one, behind at most
///   [`max_waiting`](AuthenticatorBuilder::max_waiting) others, then gives up with
///   [`AuthError::Busy`].
///
/// A check, once started, runs to its end (and is counted) even if the request that started it
/// is dropped.
///
/// ```
/// use safe_update::auth::{AuthError, Authenticator, Credentials, MemoryStore};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let store = MemoryStore::new().with_user("alice", "s3cret", ["admin"]).unwrap();
/// let auth = Authenticator::builder(store).realm("staff").build().unwrap();
///
/// let alice = auth.authenticate(&Credentials::new("alice", "s3cret").unwrap(), None).await.unwrap();
/// assert_eq!((alice.name(), alice.roles()), ("alice", &["admin".to_string()][..]));
///
/// let wrong = auth.authenticate(&Credentials::new("alice", "guess").unwrap(), None).await;
/// assert!(matches!(wrong, Err(AuthError::BadCredentials)));
/// let unknown = auth.authenticate(&Credentials::new("mallory", "guess").unwrap(), None).await;
/// assert!(matches!(unknown, Err(AuthError::BadCredentials)));
/// # });
/// ```
#[derive(Clone)]
pub struct Authenticator {
    pub(super) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) store: Box<dyn DynStore>,
    pub(crate) limiter: Box<dyn DynLimiter>,
    pub(crate) dummy_hash: String,
    pub(crate) cache: Option<VerifiedCache>,
    pub(crate) slots: Slots,
    pub(crate) cache_ttl: Duration,
    pub(crate) cache_capacity: u64,
    pub(crate) realm: String,
    pub(crate) challenge: String,
    pub(crate) hash_checks: AtomicU64,
    pub(crate) hash_work: AtomicU64,
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

    /// Verifies `credentials` sent from `client` (the address the limiter counts under, when
    /// the web layer knows it). Needs a tokio runtime: argon2 runs on its blocking pool.
    ///
    /// Failures are logged as security events (user name only) under
    /// [`SECURITY_LOG_TARGET`].
    ///
    /// # Errors
    ///
    /// [`AuthError::BadCredentials`] for an unknown user or a wrong password (one error, so
    /// that no caller can tell a client which), [`AuthError::Throttled`] when the limiter
    /// refuses the check, [`AuthError::Busy`] when no argon2 slot came free in time (or the
    /// queue for one is full),
    /// [`AuthError::Store`] when the store failed, [`AuthError::Limiter`] when the login
    /// counters are unavailable (the check is refused before argon2 runs), [`AuthError::BadStoredHash`] when the user's
    /// stored hash cannot be used (answer it as a wrong password; it is logged for the operator).
    pub async fn authenticate(
        &self,
        credentials: &Credentials,
        client: Option<IpAddr>,
    ) -> Result<Identity, AuthError> {
        let user_id = credentials.user_id();
        let stored = match self.inner.store.find(user_id).await {
            Ok(stored) => stored,
            Err(error) => {
                tracing::error!(user = ?user_id, %error, "authentication impossible: user store failed");
                return Err(AuthError::Store(error));
            }
        };
        let password = credentials.password();
        let check = match &stored {
            Some(user) => Check::new(self, &user.name, &user.password_hash, password, client),
            None => Check::new(self, user_id, &self.inner.dummy_hash, password, client),
        };
        let verdict = match &self.inner.cache {
            // Successes are kept; a failure only reaches the requests waiting on the same
            // check, for a known user and an unknown one alike.
            Some(cache) => cache.verified_or(check.cache_key(cache), check.run()).await,
            None => check.run().await,
        };
        match (verdict, stored) {
            (Ok(()), Some(user)) => Ok(Identity::new(user.name, user.roles)),
            // The dummy hash's password is random and never shown: unreachable in practice.
            (Ok(()), None) | (Err(AuthError::BadCredentials), _) => Err(self.failed(user_id)),
            (Err(error), _) => Err(error),
        }
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

    /// How many argon2 verifications have started (cache misses, unknown users, unusable
    /// hashes): a metric, and how tests see the cache at work.
    pub fn hash_checks(&self) -> u64 {
        self.inner.hash_checks.load(Ordering::Relaxed)
    }

    /// The argon2 work of the verifications finished so far: the sum of memory cost (KiB)
    /// times passes of each. A metric, and how a test sees that refusing an unknown user
    /// costs what refusing a wrong password does.
    pub fn hash_work(&self) -> u64 {
        self.inner.hash_work.load(Ordering::Relaxed)
    }

    /// How many argon2 runs (password checks and new hashes together) may happen at once: the
    /// smaller of [`max_concurrent_verifications`](AuthenticatorBuilder::max_concurrent_verifications)
    /// and what [`hash_memory_budget`](AuthenticatorBuilder::hash_memory_budget) allows.
    pub fn hash_slots(&self) -> usize {
        self.inner.slots.total()
    }

    /// The most memory argon2 has held at once since the authenticator was built, in bytes
    /// (pooled buffers included): a metric, at most the slots' worth unless a stored hash
    /// costlier than the whole budget was checked.
    pub fn peak_hash_memory(&self) -> u64 {
        self.inner.slots.blocks.peak_blocks() as u64 * 1024
    }

    fn failed(&self, user_id: &str) -> AuthError {
        tracing::warn!(target: SECURITY_LOG_TARGET, user = ?user_id, "authentication failed");
        AuthError::BadCredentials
    }
}

/// One password check, owning what it needs so that it can finish on its own task.
struct Check {
    inner: Arc<Inner>,
    user: String,
    hash: String,
    // One copy of the plaintext (wiped on drop), shared with the blocking task.
    password: Arc<Password>,
    client: Option<IpAddr>,
}

impl Check {
    fn new(
        auth: &Authenticator,
        user: &str,
        hash: &str,
        password: &Password,
        client: Option<IpAddr>,
    ) -> Self {
        Check {
            inner: Arc::clone(&auth.inner),
            user: user.to_owned(),
            hash: hash.to_owned(),
            password: Arc::new(Password::new(password.expose())),
            client,
        }
    }

    fn cache_key(&self, cache: &VerifiedCache) -> [u8; 32] {
        cache.key(&self.user, self.password.expose(), &self.hash)
    }

    /// Counts, waits for a slot, verifies, settles: on a task of its own, so that a dropped
    /// request neither leaves a counted attempt unsettled nor cancels a check others wait on.
    async fn run(self) -> Result<(), AuthError> {
        tokio::spawn(self.counted())
            .await
            .unwrap_or(Err(AuthError::Busy))
    }

    async fn counted(self) -> Result<(), AuthError> {
        let attempt = Attempt {
            user: &self.user,
            client: self.client,
        };
        let limiter = &self.inner.limiter;
        match limiter.reserve(attempt).await {
            Ok(()) => {}
            Err(Refusal::Throttled { retry_after }) => {
                tracing::warn!(
                    target: SECURITY_LOG_TARGET,
                    user = ?self.user,
                    client = ?self.client,
                    "login throttled: too many attempts"
                );
                return Err(AuthError::Throttled { retry_after });
            }
            // Fail closed: a check that cannot be counted does not run, or breaking the
            // counters' store would unthrottle guessing.
            Err(Refusal::Unavailable(error)) => {
                tracing::error!(
                    target: SECURITY_LOG_TARGET,
                    user = ?self.user,
                    client = ?self.client,
                    %error,
                    "login refused unchecked: the login counters are unavailable"
                );
                return Err(AuthError::Limiter(error));
            }
        }
        let verdict = self.verify().await;
        let outcome = match &verdict {
            Ok(()) => Outcome::Succeeded,
            Err(AuthError::Busy) => Outcome::NotChecked,
            Err(_) => Outcome::Failed,
        };
        if let Err(error) = limiter.settle(attempt, outcome).await {
            tracing::error!(
                target: SECURITY_LOG_TARGET,
                user = ?self.user,
                client = ?self.client,
                ?outcome,
                %error,
                "login attempt left counted: the login counters are unavailable"
            );
        }
        verdict
    }

    async fn verify(&self) -> Result<(), AuthError> {
        let inner = &self.inner;
        let units = inner.slots.units(stored_blocks(&self.hash));
        let Ok(slot) = inner.slots.acquire(units).await else {
            tracing::warn!(
                target: SECURITY_LOG_TARGET,
                user = ?self.user,
                "authentication refused: no argon2 slot came free in time, or too many requests wait for one"
            );
            return Err(AuthError::Busy);
        };
        let inner = Arc::clone(&self.inner);
        let password = Arc::clone(&self.password);
        let hash = self.hash.clone();
        let checked = tokio::task::spawn_blocking(move || {
            let _slot = slot;
            match check(&inner, &password, &hash) {
                // An unusable stored hash gets the dummy's work, so the answer takes as long as
                // for a wrong password.
                Err(AuthError::BadStoredHash) => {
                    let _ = check(&inner, &password, &inner.dummy_hash);
                    Err(AuthError::BadStoredHash)
                }
                checked => checked,
            }
        })
        .await
        .unwrap_or(Err(AuthError::Busy));
        match checked {
            Ok(true) => Ok(()),
            Ok(false) => Err(AuthError::BadCredentials),
            Err(AuthError::BadStoredHash) => {
                tracing::error!(
                    target: SECURITY_LOG_TARGET,
                    user = ?self.user,
                    "login refused: the stored password hash is not a usable argon2id PHC string; set a new password"
                );
                Err(AuthError::BadStoredHash)
            }
            Err(error) => Err(error),
        }
    }
}

/// The argon2 blocks a check against the PHC string `phc` holds: its memory cost, or the
/// OWASP one when it cannot be read (the dummy hash is checked then).
fn stored_blocks(phc: &str) -> usize {
    PasswordHash::new(phc)
        .ok()
        .and_then(|hash| Params::try_from(&hash).ok())
        .map_or(0, |params| params.block_count())
}

/// One argon2 verification: whether `password` matches the PHC string `phc`.
///
/// Hashes into pooled memory rather than through `PasswordVerifier`, which allocates (and
/// frees) 19 MiB per call: on varying threads that fragments glibc's heap until the process
/// holds gigabytes. The result is compared with the stored output in constant time.
fn check(inner: &Inner, password: &Password, phc: &str) -> Result<bool, AuthError> {
    let hash = PasswordHash::new(phc).map_err(|_| AuthError::BadStoredHash)?;
    // Only argon2id is accepted: a stored argon2d or argon2i hash is a misconfiguration
    // (weaker against side channels or GPUs), not something to verify quietly.
    if hash.algorithm != ARGON2ID_IDENT {
        return Err(AuthError::BadStoredHash);
    }
    // A PHC string without salt or output cannot match any password: the store is broken.
    let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else {
        return Err(AuthError::BadStoredHash);
    };
    let version = match hash.version {
        Some(version) => Version::try_from(version).map_err(|_| AuthError::BadStoredHash)?,
        None => Version::default(),
    };
    // Parameters (including the output length) come from the stored hash, so hashes made
    // with other costs keep working.
    let params = Params::try_from(&hash).map_err(|_| AuthError::BadStoredHash)?;
    let mut salt_buf = [0u8; Salt::MAX_LENGTH];
    let salt = salt
        .decode_b64(&mut salt_buf)
        .map_err(|_| AuthError::BadStoredHash)?;
    let argon2 = Argon2::new(Algorithm::Argon2id, version, params);
    let mut out = [0u8; Output::MAX_LENGTH];
    let out = &mut out[..expected.len()];
    let mut blocks = inner.slots.blocks.take(argon2.params().block_count());
    inner.hash_checks.fetch_add(1, Ordering::Relaxed);
    argon2
        .hash_password_into_with_memory(
            password.expose().as_bytes(),
            salt,
            out,
            &mut *blocks.buffer,
        )
        .map_err(|_| AuthError::BadStoredHash)?;
    let work = u64::from(argon2.params().m_cost()) * u64::from(argon2.params().t_cost());
    inner.hash_work.fetch_add(work, Ordering::Relaxed);
    let computed = Output::new(out).map_err(|_| AuthError::BadStoredHash)?;
    // `Output`'s equality is constant time: the comparison says nothing about how much of
    // the output matched.
    Ok(computed == expected)
}

impl fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Authenticator")
            .field("realm", &inner.realm)
            .field("cache_ttl", &inner.cache_ttl)
            .field("cache_capacity", &inner.cache_capacity)
            .field("hash_slots", &inner.slots.total())
            .field("max_waiting", &inner.slots.max_waiting())
            .field("slot_wait", &inner.slots.wait())
            .field("hash_checks", &self.hash_checks())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::{PasswordHasher, SaltString};
    use argon2::{Algorithm, Argon2, Params, Version};

    use super::*;
    use crate::auth::{hash_password, MemoryStore, NoLimit, StoredUser, ARGON2_M_COST};

    /// An authenticator without a cache or a limit, so every check runs argon2 on the pooled
    /// path.
    fn uncached(store: MemoryStore) -> Authenticator {
        Authenticator::builder(store)
            .cache_ttl(Duration::ZERO)
            .max_concurrent_verifications(2)
            .limiter(NoLimit)
            .build()
            .unwrap()
    }

    fn check(auth: &Authenticator, user: &str, password: &str) -> Result<Identity, AuthError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(auth.authenticate(&Credentials::new(user, password).unwrap(), None))
    }

    /// The sizes of the buffers waiting in the pool.
    fn pooled(auth: &Authenticator) -> Vec<usize> {
        auth.inner.slots.blocks.pooled()
    }

    fn argon2_hash(algorithm: Algorithm, m_cost: u32, password: &str) -> String {
        let params = Params::new(m_cost, 1, 1, None).unwrap();
        Argon2::new(algorithm, Version::V0x13, params)
            .hash_password(
                password.as_bytes(),
                &SaltString::from_b64("c2FsdHNhbHRzYWx0").unwrap(),
            )
            .unwrap()
            .to_string()
    }

    #[test]
    fn pooled_verification_accepts_the_right_password_only() {
        let users = MemoryStore::new();
        users.insert(StoredUser::new(
            "owasp",
            hash_password("right").unwrap(),
            ["u"],
        ));
        // Cheaper than the pooled buffers (uses a part of one) and costlier (gets its own).
        let small = argon2_hash(Algorithm::Argon2id, 8192, "right");
        users.insert(StoredUser::new("small", small, ["u"]));
        let large = argon2_hash(Algorithm::Argon2id, 2 * ARGON2_M_COST, "right");
        users.insert(StoredUser::new("large", large, ["u"]));
        let auth = uncached(users);
        assert!(pooled(&auth).is_empty(), "buffers are made on first use");
        for user in ["owasp", "small", "large"] {
            assert_eq!(check(&auth, user, "right").unwrap().name(), user);
            let wrong = check(&auth, user, "wrong");
            assert!(matches!(wrong, Err(AuthError::BadCredentials)), "{user}");
            // One OWASP-sized buffer served every check; the costlier hash's was freed, and
            // the idle pooled one with it (the costlier check held both slots): argon2 never
            // held more than the two slots' memory.
            let kept: &[usize] = if user == "large" {
                &[]
            } else {
                &[ARGON2_M_COST as usize]
            };
            assert_eq!(pooled(&auth), kept, "{user}");
            assert!(auth.inner.slots.blocks.peak_blocks() <= 2 * ARGON2_M_COST as usize);
        }
        // The dummy hash of unknown users goes through the same pooled path.
        let unknown = check(&auth, "nobody", "right");
        assert!(matches!(unknown, Err(AuthError::BadCredentials)));
        assert_eq!(pooled(&auth), [ARGON2_M_COST as usize]);
        assert_eq!(auth.hash_checks(), 7);
    }

    #[test]
    fn only_argon2id_hashes_are_verified_and_an_unusable_one_costs_a_dummy_check() {
        let users = MemoryStore::new();
        for (user, algorithm) in [("i", Algorithm::Argon2i), ("d", Algorithm::Argon2d)] {
            let hash = argon2_hash(algorithm, 8192, "right");
            users.insert(StoredUser::new(user, hash, ["u"]));
        }
        let no_output = "$argon2id$v=19$m=8192,t=1,p=1$c2FsdHNhbHRzYWx0";
        users.insert(StoredUser::new("no-output", no_output, ["u"]));
        let auth = uncached(users);
        for user in ["i", "d", "no-output"] {
            let error = check(&auth, user, "right").unwrap_err();
            assert!(
                matches!(error, AuthError::BadStoredHash),
                "{user}: {error:?}"
            );
        }
        // Each refusal ran the dummy hash, as a wrong password runs the stored one.
        assert_eq!(auth.hash_checks(), 3);
    }
}
