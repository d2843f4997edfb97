//! The password as a secret, and hashing a new one with argon2id.

use std::fmt;

use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand_core::{OsRng, RngCore};
use zeroize::Zeroizing;

/// Argon2id memory cost in KiB: 19 MiB, the first of OWASP's recommended configurations.
pub const ARGON2_M_COST: u32 = 19_456;
/// Argon2id passes over memory (OWASP: 2 with 19 MiB).
pub const ARGON2_T_COST: u32 = 2;
/// Argon2id lanes (OWASP: 1).
pub const ARGON2_P_COST: u32 = 1;

/// A password: never shown by `Debug` or `Display`, wiped from memory on drop.
///
/// ```
/// use safe_update::auth::Password;
///
/// let password = Password::new("open sesame");
/// assert_eq!(password.expose(), "open sesame");
/// assert_eq!(format!("{password:?} {password}"), "Password([redacted]) [redacted]");
/// ```
// No `Clone`: every copy is one more place the plaintext must be wiped from.
pub struct Password(Zeroizing<String>);

impl Password {
    /// Wraps a password.
    pub fn new(password: impl Into<String>) -> Self {
        Password(Zeroizing::new(password.into()))
    }

    /// The plaintext, for the one place that needs it (hashing or verifying).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the password is `""` (which RFC 7617 allows: `user:` has an empty password).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Password {
    fn from(password: String) -> Self {
        Password::new(password)
    }
}

impl From<&str> for Password {
    fn from(password: &str) -> Self {
        Password::new(password)
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password([redacted])")
    }
}

impl fmt::Display for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Hashing a password failed: the machine's fault or its load, never the password's.
///
/// ```
/// use safe_update::auth::{hash_password, HashError};
///
/// fn new_account_hash(password: &str) -> Result<String, HashError> {
///     hash_password(password) // any password, even "", can be hashed
/// }
/// assert!(new_account_hash("").is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HashError {
    /// The operating system's random number generator failed (no salt or key could be made).
    Random,
    /// argon2 refused its parameters or output.
    Argon2,
    /// No argon2 slot came free in time, or too many requests wait for one already: only from
    /// [`Authenticator::hash_password`](super::Authenticator::hash_password). Answer it as
    /// [`AuthError::Busy`](super::AuthError::Busy) (HTTP 503 with `Retry-After`).
    Busy,
}

impl fmt::Display for HashError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HashError::Random => "the operating system's random number generator failed",
            HashError::Argon2 => "argon2 could not hash the password",
            HashError::Busy => "too many password hashes at once: no argon2 slot came free in time",
        })
    }
}

impl std::error::Error for HashError {}

/// Hashes a new password with argon2id (m=19456 KiB, t=2, p=1) and a random 16-byte salt, as
/// a PHC string for the user store.
///
/// Synchronous and unbounded, for command-line tools and seeding. A server hashes through its
/// authenticator instead, with [`Authenticator::hash_password`](super::Authenticator::hash_password):
/// that one runs off the executor, in the argon2 slots that logins take, so that a burst of
/// password changes cannot run more argon2 at once (19 MiB each) than the slots allow.
///
/// ```
/// let hash = safe_update::auth::hash_password("correct horse").unwrap();
/// assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
/// ```
pub fn hash_password(password: &str) -> Result<String, HashError> {
    let mut salt = [0u8; 16];
    OsRng
        .try_fill_bytes(&mut salt)
        .map_err(|_| HashError::Random)?;
    let salt = SaltString::encode_b64(&salt).map_err(|_| HashError::Argon2)?;
    let hash = owasp_argon2()?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|_| HashError::Argon2)?;
    Ok(hash.to_string())
}

/// argon2id with the OWASP parameters. Verification takes its parameters from each stored
/// PHC string instead, so hashes made with other parameters keep working.
pub(crate) fn owasp_argon2() -> Result<Argon2<'static>, HashError> {
    let params = Params::new(ARGON2_M_COST, ARGON2_T_COST, ARGON2_P_COST, None)
        .map_err(|_| HashError::Argon2)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}
