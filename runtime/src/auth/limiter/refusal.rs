//! What a limiter answers when it does not grant a check: a limit is reached, or it cannot
//! count at all.

use std::error::Error;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Why [`Limiter::reserve`](super::Limiter::reserve) did not grant a password check.
///
/// ```
/// use std::time::Duration;
/// use safe_update::auth::{LimiterError, Refusal};
///
/// let throttled = Refusal::Throttled { retry_after: Duration::from_secs(42) };
/// assert_eq!(throttled.to_string(), "too many login attempts; retry in 42 s");
/// let down = Refusal::Unavailable(LimiterError::new("connection refused"));
/// assert_eq!(down.to_string(), "the login counters are unavailable: connection refused");
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Refusal {
    /// A limit the attempt falls under is reached: nothing was counted. The
    /// [`Authenticator`](crate::auth::Authenticator) answers
    /// [`AuthError::Throttled`](crate::auth::AuthError::Throttled) (HTTP 429).
    Throttled {
        /// How long until the counter that is full frees.
        retry_after: Duration,
    },
    /// The counters could not be read or written (a shared store is down, say). The check is
    /// refused all the same: a check that cannot be counted does not run, or an attacker who
    /// breaks the store would guess unthrottled. The
    /// [`Authenticator`](crate::auth::Authenticator) logs the error and answers
    /// [`AuthError::Limiter`](crate::auth::AuthError::Limiter) (HTTP 503).
    Unavailable(LimiterError),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Throttled { retry_after } => write!(
                f,
                "too many login attempts; retry in {} s",
                retry_after.as_secs_f64().ceil()
            ),
            Refusal::Unavailable(error) => error.fmt(f),
        }
    }
}

impl Error for Refusal {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            Refusal::Throttled { .. } => None,
            Refusal::Unavailable(error) => Some(error),
        }
    }
}

/// The login counters could not be read or written.
///
/// It wraps the store's own error, which the server logs and never sends to a client.
///
/// ```
/// use safe_update::auth::LimiterError;
///
/// let error = LimiterError::new("connection refused");
/// assert_eq!(error.to_string(), "the login counters are unavailable: connection refused");
/// ```
#[derive(Debug, Clone)]
pub struct LimiterError {
    // Arc, not Box: one failure may be reported to several requests waiting on the same check.
    source: Arc<dyn Error + Send + Sync>,
}

impl LimiterError {
    /// Wraps the store's error (any error type, or a message).
    pub fn new(error: impl Into<Box<dyn Error + Send + Sync>>) -> Self {
        LimiterError {
            source: Arc::from(error.into()),
        }
    }
}

impl fmt::Display for LimiterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the login counters are unavailable: {}", self.source)
    }
}

impl Error for LimiterError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&*self.source)
    }
}
