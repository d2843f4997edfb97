//! Where users live: the one question the verifier asks of an application's database.

use std::error::Error;
use std::fmt;
use std::sync::Arc;

/// Looks users up for the [`Authenticator`](super::Authenticator).
///
/// Synchronous on purpose: a database driver such as rusqlite blocks, and the verifier runs on
/// a blocking thread anyway (the actix adapter calls it through `web::block`). It is asked on
/// every authentication, cached or not, so roles and password changes apply at once.
///
/// ```
/// use safe_update::auth::{hash_password, StoreError, StoredUser, UserStore};
///
/// /// One fixed account, as a test double.
/// struct Single { hash: String }
///
/// impl UserStore for Single {
///     fn find(&self, user_id: &str) -> Result<Option<StoredUser>, StoreError> {
///         Ok((user_id == "admin").then(|| StoredUser::new(self.hash.clone(), ["admin"])))
///     }
/// }
///
/// let store = Single { hash: hash_password("s3cret").unwrap() };
/// assert!(store.find("admin").unwrap().is_some());
/// assert!(store.find("eve").unwrap().is_none());
/// ```
pub trait UserStore: Send + Sync + 'static {
    /// The stored password hash and roles of `user_id`, `None` if there is no such user (or it
    /// may not log in). An error is answered with 503, never as "wrong password".
    fn find(&self, user_id: &str) -> Result<Option<StoredUser>, StoreError>;
}

impl<S: UserStore + ?Sized> UserStore for Arc<S> {
    fn find(&self, user_id: &str) -> Result<Option<StoredUser>, StoreError> {
        (**self).find(user_id)
    }
}

impl<S: UserStore + ?Sized> UserStore for Box<S> {
    fn find(&self, user_id: &str) -> Result<Option<StoredUser>, StoreError> {
        (**self).find(user_id)
    }
}

/// A user as the store keeps it: an argon2 PHC hash and roles.
///
/// ```
/// use safe_update::auth::{hash_password, StoredUser};
///
/// let user = StoredUser::new(hash_password("s3cret").unwrap(), ["user", "admin"]);
/// assert_eq!(user.roles, ["user", "admin"]);
/// assert!(!format!("{user:?}").contains("argon2")); // the hash stays out of logs
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct StoredUser {
    /// PHC string such as `$argon2id$v=19$m=19456,t=2,p=1$...`, from
    /// [`hash_password`](super::hash_password).
    pub password_hash: String,
    /// Roles of the user, given to its [`Identity`](super::Identity).
    pub roles: Vec<String>,
}

impl StoredUser {
    /// A stored user from its hash and roles.
    pub fn new<I>(password_hash: impl Into<String>, roles: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        StoredUser {
            password_hash: password_hash.into(),
            roles: roles.into_iter().map(Into::into).collect(),
        }
    }
}

// A hash is what an offline attack starts from: keep it out of logs.
impl fmt::Debug for StoredUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredUser")
            .field("password_hash", &"[redacted]")
            .field("roles", &self.roles)
            .finish()
    }
}

/// The user store could not answer (database down, timeout, ...).
///
/// It wraps the store's own error, which is logged by the server and never sent to a client.
///
/// ```
/// use safe_update::auth::StoreError;
///
/// let error = StoreError::new("database is locked");
/// assert_eq!(error.to_string(), "user store failed: database is locked");
/// ```
#[derive(Debug, Clone)]
pub struct StoreError {
    // Arc, not Box: one failure may be reported to several requests waiting on the same check.
    source: Arc<dyn Error + Send + Sync>,
}

impl StoreError {
    /// Wraps the store's error (any error type, or a message).
    pub fn new(error: impl Into<Box<dyn Error + Send + Sync>>) -> Self {
        StoreError {
            source: Arc::from(error.into()),
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "user store failed: {}", self.source)
    }
}

impl Error for StoreError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&*self.source)
    }
}
