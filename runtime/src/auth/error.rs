//! Why an authentication did not produce an identity.

use std::fmt;
use std::time::Duration;

use super::{LimiterError, StoreError};

/// An authentication that failed, from [`Authenticator::authenticate`](super::Authenticator::authenticate).
///
/// An unknown user and a wrong password are one variant, so that no caller can tell a client
/// which one it was.
///
/// ```
/// use safe_update::auth::{AuthError, Authenticator, Credentials, MemoryStore};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let auth = Authenticator::builder(MemoryStore::new()).build().unwrap();
/// let guess = Credentials::new("nobody", "guess").unwrap();
/// let status = match auth.authenticate(&guess, None).await {
///     Ok(_) => 200,
///     // An unusable stored hash is the operator's to fix; the client hears "wrong password".
///     Err(AuthError::BadCredentials | AuthError::BadStoredHash) => 401,
///     Err(AuthError::Throttled { .. }) => 429,
///     Err(AuthError::Busy | AuthError::Store(_) | AuthError::Limiter(_)) => 503,
///     Err(_) => 500,
/// };
/// assert_eq!(status, 401);
/// # });
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum AuthError {
    /// Unknown user or wrong password (HTTP 401).
    BadCredentials,
    /// The [`Limiter`](super::Limiter) refused to check another password for this user or
    /// client now (HTTP 429 with `Retry-After`).
    Throttled {
        /// How long until a check may run again.
        retry_after: Duration,
    },
    /// No argon2 slot came free in time, or too many requests wait for one already: too many
    /// password checks and hashes at once (HTTP 503 with `Retry-After`).
    Busy,
    /// The user store failed (HTTP 503).
    Store(StoreError),
    /// The login counters could not be read or written, so the check was refused before
    /// argon2 ran: a check that cannot be counted does not run (HTTP 503).
    Limiter(LimiterError),
    /// The user's stored hash is not an argon2id PHC string: logged for the operator as a
    /// security event naming the user, answered to the client exactly as a wrong password
    /// (HTTP 401), after the same work.
    BadStoredHash,
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthError::BadCredentials => f.write_str("unknown user or wrong password"),
            AuthError::Throttled { retry_after } => write!(
                f,
                "too many login attempts; retry in {} s",
                retry_after.as_secs_f64().ceil()
            ),
            AuthError::Busy => {
                f.write_str("too many password checks at once: no argon2 slot came free in time")
            }
            AuthError::Store(error) => error.fmt(f),
            AuthError::Limiter(error) => error.fmt(f),
            AuthError::BadStoredHash => f.write_str("the stored password hash is unusable"),
        }
    }
}

impl std::error::Error for AuthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            AuthError::Store(error) => Some(error),
            AuthError::Limiter(error) => Some(error),
            _ => None,
        }
    }
}
