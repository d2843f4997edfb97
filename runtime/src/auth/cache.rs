//! Verified-credentials cache: lets a busy client skip argon2 for a short while, and makes
//! concurrent identical requests share one check.

use std::future::Future;
use std::time::Duration;

use hmac::digest::Key;
use hmac::{Hmac, Mac};
use moka::future::Cache;
use rand_core::{OsRng, RngCore};
use sha2::Sha256;
use zeroize::Zeroize;

use super::{AuthError, HashError};

type HmacSha256 = Hmac<Sha256>;

/// Successful verifications only, keyed by HMAC-SHA256 (per-process random key) of the
/// user name, the password and the stored hash.
///
/// The stored hash in the key means a password change (a new hash) misses every old entry
/// by itself; the random key means a memory dump holds no password-equivalent value to test
/// guesses against offline without the key. The plaintext is never stored.
pub(crate) struct VerifiedCache {
    mac: HmacSha256,
    entries: Cache<[u8; 32], ()>,
}

impl VerifiedCache {
    /// A cache of at most `capacity` entries, each forgotten `ttl` after its verification.
    pub(crate) fn new(capacity: u64, ttl: Duration) -> Result<Self, HashError> {
        let mut key = Key::<HmacSha256>::default();
        let filled = OsRng.try_fill_bytes(&mut key);
        let mac = <HmacSha256 as Mac>::new(&key);
        key.as_mut_slice().zeroize();
        filled.map_err(|_| HashError::Random)?;
        Ok(VerifiedCache {
            mac,
            entries: Cache::builder()
                .max_capacity(capacity)
                .time_to_live(ttl)
                .build(),
        })
    }

    /// The cache key of one verification.
    pub(crate) fn key(&self, user: &str, password: &str, stored_hash: &str) -> [u8; 32] {
        let mut mac = self.mac.clone();
        // Length prefixes: ("ab", "c") and ("a", "bc") must not share a key.
        for part in [user, password, stored_hash] {
            mac.update(&(part.len() as u64).to_le_bytes());
            mac.update(part.as_bytes());
        }
        mac.finalize().into_bytes().into()
    }

    /// `Ok` if `key` was verified recently; else awaits `verify` and remembers a success.
    ///
    /// Concurrent callers with the same key await one `verify` and share its result, a
    /// failure included (which is not remembered): ten identical requests at once cost one
    /// argon2 run, whether the user exists or not.
    pub(crate) async fn verified_or(
        &self,
        key: [u8; 32],
        verify: impl Future<Output = Result<(), AuthError>>,
    ) -> Result<(), AuthError> {
        self.entries
            .try_get_with(key, verify)
            .await
            .map_err(|shared| (*shared).clone())
    }
}
