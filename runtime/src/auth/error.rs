//! Why an authentication did not produce an identity.

use std::fmt;

use super::StoreError;

/// An authentication that failed, from [`Authenticator::authenticate`](super::Authenticator::authenticate).
///
/// An unknown user and a wrong password are one variant, so that no caller can tell a client
/// which one it was.
///
/// ```
/// use safe_update::auth::{AuthError, Authenticator, Credentials, MemoryStore};
///
/// let auth = Authenticator::builder(MemoryStore::new()).build().unwrap();
/// let status = match auth.authenticate(&Credentials::new("nobody", "guess").unwrap()) {
///     Ok(_) => 200,
///     Err(AuthError::BadCredentials) => 401,
///     Err(AuthError::Busy | AuthError::Store(_)) => 503,
///     Err(_) => 500,
/// };
/// assert_eq!(status, 401);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum AuthError {
    /// Unknown user or wrong password (HTTP 401).
    BadCredentials,
    /// Every verification slot is taken: too many password checks at once (HTTP 503).
    Busy,
    /// The user store failed (HTTP 503).
    Store(StoreError),
    /// The stored hash is not a PHC string argon2 can verify: a server-side fault (HTTP 500).
    BadStoredHash,
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthError::BadCredentials => f.write_str("unknown user or wrong password"),
            AuthError::Busy => f.write_str("too many password verifications at once"),
            AuthError::Store(error) => error.fmt(f),
            AuthError::BadStoredHash => f.write_str("the stored password hash is unusable"),
        }
    }
}

impl std::error::Error for AuthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            AuthError::Store(error) => Some(error),
            _ => None,
        }
    }
}
