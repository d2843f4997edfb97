//! New password hashes made by the authenticator: in one of the argon2 slots that password
//! checks take, in that slot's pooled memory, so that a burst of password changes or new
//! accounts costs no more memory or CPU than a burst of logins.

use std::sync::Arc;

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Params, Version, ARGON2ID_IDENT};
use rand_core::{OsRng, RngCore};

use super::password::owasp_argon2;
use super::verifier::Inner;
use super::{Authenticator, HashError, Password, SECURITY_LOG_TARGET};

impl Authenticator {
    /// Hashes a new password as [`hash_password`](super::hash_password) does (argon2id,
    /// m=19456 KiB, t=2, p=1, a random 16-byte salt, a PHC string), in one of the slots that
    /// password checks take, on tokio's blocking pool, in the slot's pooled memory: what a
    /// server should call for a password change or a new account, so that no burst of them
    /// runs more argon2 at once than the slots allow.
    ///
    /// Waits for a slot as a check does (at most
    /// [`slot_wait`](super::AuthenticatorBuilder::slot_wait), behind at most
    /// [`max_waiting`](super::AuthenticatorBuilder::max_waiting) others). Once started, the
    /// hash runs to its end in its slot even if the future is dropped.
    ///
    /// ```
    /// use safe_update::auth::{Authenticator, Credentials, MemoryStore, StoredUser};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let store = std::sync::Arc::new(MemoryStore::new());
    /// let auth = Authenticator::builder(store.clone()).build().unwrap();
    /// let hash = auth.hash_password("correct horse").await.unwrap();
    /// assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    ///
    /// store.insert(StoredUser::new("alice", hash, ["user"]));
    /// let alice = Credentials::new("alice", "correct horse").unwrap();
    /// assert_eq!(auth.authenticate(&alice, None).await.unwrap().name(), "alice");
    /// # });
    /// ```
    ///
    /// # Errors
    ///
    /// [`HashError::Busy`] when no slot came free in time or the queue for one is full (HTTP
    /// 503 with `Retry-After`, as [`AuthError::Busy`](super::AuthError::Busy)); the other
    /// variants when the machine failed.
    pub async fn hash_password(&self, password: &str) -> Result<String, HashError> {
        let Ok(slot) = self.inner.slots.acquire(1).await else {
            tracing::warn!(
                target: SECURITY_LOG_TARGET,
                "password not hashed: no argon2 slot came free in time, or too many requests wait for one"
            );
            return Err(HashError::Busy);
        };
        let inner = Arc::clone(&self.inner);
        // A copy the blocking task owns, wiped when it ends.
        let password = Password::new(password);
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            pooled_hash(&inner, &password)
        })
        .await
        .unwrap_or(Err(HashError::Argon2))
    }
}

/// The PHC string of `password` with the OWASP parameters, hashed in a pooled buffer rather
/// than through `PasswordHasher`, which allocates 19 MiB per call (see `BlockPool`).
fn pooled_hash(inner: &Inner, password: &Password) -> Result<String, HashError> {
    let mut salt = [0u8; 16];
    OsRng
        .try_fill_bytes(&mut salt)
        .map_err(|_| HashError::Random)?;
    let argon2 = owasp_argon2()?;
    let mut output = [0u8; Params::DEFAULT_OUTPUT_LEN];
    {
        let mut blocks = inner.slots.blocks.take(argon2.params().block_count());
        argon2
            .hash_password_into_with_memory(
                password.expose().as_bytes(),
                &salt,
                &mut output,
                &mut *blocks.buffer,
            )
            .map_err(|_| HashError::Argon2)?;
    }
    let salt = SaltString::encode_b64(&salt).map_err(|_| HashError::Argon2)?;
    // The string `PasswordHasher::hash_password` would make from the same parts.
    let hash = PasswordHash {
        algorithm: ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(argon2.params()).map_err(|_| HashError::Argon2)?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&output).map_err(|_| HashError::Argon2)?),
    };
    Ok(hash.to_string())
}

#[cfg(test)]
mod tests {
    use std::future::{poll_fn, Future};
    use std::pin::pin;
    use std::task::Poll;
    use std::time::Duration;

    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    use argon2::Argon2;

    use crate::auth::{
        AuthError, Authenticator, Credentials, HashError, MemoryStore, NoLimit, StoredUser,
        ARGON2_M_COST,
    };

    /// The memory of one OWASP run: a budget for exactly one slot.
    const ONE_SLOT: u64 = ARGON2_M_COST as u64 * 1024;

    #[tokio::test]
    async fn a_new_hash_verifies_with_the_authenticator_and_with_argon2_itself() {
        let store = std::sync::Arc::new(MemoryStore::new());
        let auth = Authenticator::builder(store.clone())
            .cache_ttl(Duration::ZERO)
            .limiter(NoLimit)
            .build()
            .unwrap();
        let hash = auth.hash_password("correct horse").await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert_ne!(
            hash,
            auth.hash_password("correct horse").await.unwrap(),
            "salted"
        );
        let parsed = PasswordHash::new(&hash).unwrap();
        assert_eq!(
            parsed.salt.unwrap().len(),
            22,
            "16 bytes of salt, in Base64"
        );
        assert!(Argon2::default()
            .verify_password(b"correct horse", &parsed)
            .is_ok());
        assert!(Argon2::default()
            .verify_password(b"correct horsf", &parsed)
            .is_err());

        store.insert(StoredUser::new("alice", hash, ["user"]));
        let right = Credentials::new("alice", "correct horse").unwrap();
        assert_eq!(
            auth.authenticate(&right, None).await.unwrap().name(),
            "alice"
        );
        let wrong = Credentials::new("alice", "correct horsf").unwrap();
        let wrong = auth.authenticate(&wrong, None).await;
        assert!(matches!(wrong, Err(AuthError::BadCredentials)), "{wrong:?}");
        // Made in the pooled buffer: one ever, though three hashes and two checks ran.
        assert_eq!(auth.inner.slots.blocks.pooled(), [ARGON2_M_COST as usize]);
    }

    #[tokio::test]
    async fn past_the_queue_a_hash_is_refused_at_once_and_the_queue_is_the_checks_too() {
        let auth = Authenticator::builder(MemoryStore::new())
            .hash_memory_budget(ONE_SLOT)
            .max_waiting(1)
            // Long enough that a request which waited instead of being refused would hang.
            .slot_wait(Duration::from_secs(3600))
            .limiter(NoLimit)
            .build()
            .unwrap();
        assert_eq!(auth.hash_slots(), 1);
        let held = auth.inner.slots.acquire(1).await.unwrap();
        // A password check takes the one place in the queue...
        let check = tokio::spawn({
            let auth = auth.clone();
            async move {
                let guess = Credentials::new("nobody", "guess").unwrap();
                auth.authenticate(&guess, None).await
            }
        });
        while auth.inner.slots.waiting() == 0 {
            tokio::task::yield_now().await;
        }
        // ... so a new hash is refused on its first poll, without waiting.
        let mut refused = pin!(auth.hash_password("a new password"));
        let first = poll_fn(|cx| Poll::Ready(refused.as_mut().poll(cx))).await;
        assert!(
            matches!(first, Poll::Ready(Err(HashError::Busy))),
            "{first:?}"
        );
        assert_eq!(
            auth.inner.slots.waiting(),
            1,
            "the refused one left no place taken"
        );
        // The slot given back, the waiting check runs.
        drop(held);
        let checked = check.await.unwrap();
        assert!(
            matches!(checked, Err(AuthError::BadCredentials)),
            "{checked:?}"
        );
        assert!(auth.hash_password("a new password").await.is_ok());
    }

    #[tokio::test]
    async fn with_no_queue_a_hash_is_refused_whenever_the_slots_are_taken() {
        let auth = Authenticator::builder(MemoryStore::new())
            .hash_memory_budget(ONE_SLOT)
            .max_waiting(0)
            .slot_wait(Duration::from_secs(3600))
            .build()
            .unwrap();
        let held = auth.inner.slots.acquire(1).await.unwrap();
        let mut refused = pin!(auth.hash_password("a new password"));
        let first = poll_fn(|cx| Poll::Ready(refused.as_mut().poll(cx))).await;
        assert!(
            matches!(first, Poll::Ready(Err(HashError::Busy))),
            "{first:?}"
        );
        drop(held);
        assert!(auth.hash_password("a new password").await.is_ok());
    }
}
