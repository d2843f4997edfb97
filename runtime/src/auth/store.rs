//! Where users live: the one question the verifier asks of an application's database.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// Looks users up for the [`Authenticator`](super::Authenticator).
///
/// Asynchronous, as database clients such as sqlx or tokio-postgres are; a store whose lookup
/// blocks (rusqlite, a file) implements [`BlockingUserStore`] instead and is wrapped in
/// [`Blocking`], which runs each lookup on tokio's blocking pool. It is asked on every
/// authentication, cached or not, so roles and password changes apply at once.
///
/// ```
/// use safe_update::auth::{hash_password, StoreError, StoredUser, UserStore};
///
/// /// One fixed account, as a test double.
/// struct Single { hash: String }
///
/// impl UserStore for Single {
///     async fn find(&self, user_id: &str) -> Result<Option<StoredUser>, StoreError> {
///         Ok((user_id == "admin").then(|| StoredUser::new("admin", self.hash.clone(), ["admin"])))
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let store = Single { hash: hash_password("s3cret").unwrap() };
/// assert!(store.find("admin").await.unwrap().is_some());
/// assert!(store.find("eve").await.unwrap().is_none());
/// # });
/// ```
pub trait UserStore: Send + Sync + 'static {
    /// The user that `user_id` names, with its stored password hash and roles; `None` if there
    /// is no such user (or it may not log in). An error is answered with 503, never as "wrong
    /// password".
    fn find(
        &self,
        user_id: &str,
    ) -> impl Future<Output = Result<Option<StoredUser>, StoreError>> + Send;
}

impl<S: UserStore> UserStore for Arc<S> {
    fn find(
        &self,
        user_id: &str,
    ) -> impl Future<Output = Result<Option<StoredUser>, StoreError>> + Send {
        (**self).find(user_id)
    }
}

/// A [`UserStore`] whose lookup blocks the calling thread: wrap it in [`Blocking`].
///
/// ```
/// use safe_update::auth::{Blocking, BlockingUserStore, MemoryStore, StoreError, StoredUser};
///
/// /// Users in a file read on every lookup (blocking I/O).
/// struct UsersFile(std::path::PathBuf);
///
/// impl BlockingUserStore for UsersFile {
///     fn find(&self, user_id: &str) -> Result<Option<StoredUser>, StoreError> {
///         let text = std::fs::read_to_string(&self.0).map_err(StoreError::new)?;
///         Ok(text.lines().find_map(|line| {
///             let (name, hash) = line.split_once(' ')?;
///             (name == user_id).then(|| StoredUser::new(name, hash, ["user"]))
///         }))
///     }
/// }
///
/// let store = Blocking::new(UsersFile("users.txt".into()));
/// # let _ = safe_update::auth::Authenticator::builder(store);
/// ```
pub trait BlockingUserStore: Send + Sync + 'static {
    /// As [`UserStore::find`], blocking.
    fn find(&self, user_id: &str) -> Result<Option<StoredUser>, StoreError>;
}

/// A [`BlockingUserStore`] as a [`UserStore`]: each lookup runs on tokio's blocking pool, never
/// on an async worker thread.
pub struct Blocking<S>(Arc<S>);

impl<S> Blocking<S> {
    /// Wraps `store`.
    pub fn new(store: S) -> Self {
        Blocking(Arc::new(store))
    }

    /// Wraps a store the application shares.
    pub fn from_arc(store: Arc<S>) -> Self {
        Blocking(store)
    }
}

impl<S: BlockingUserStore> UserStore for Blocking<S> {
    async fn find(&self, user_id: &str) -> Result<Option<StoredUser>, StoreError> {
        let store = Arc::clone(&self.0);
        let user_id = user_id.to_owned();
        tokio::task::spawn_blocking(move || store.find(&user_id))
            .await
            .map_err(|error| {
                StoreError::new(format!("the store's lookup did not finish: {error}"))
            })?
    }
}

impl<S> fmt::Debug for Blocking<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Blocking").finish_non_exhaustive()
    }
}

/// The store behind a pointer, so that the authenticator needs no type parameter.
pub(crate) trait DynStore: Send + Sync {
    fn find<'a>(
        &'a self,
        user_id: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<Option<StoredUser>, StoreError>> + Send + 'a>>;
}

impl<S: UserStore> DynStore for S {
    fn find<'a>(
        &'a self,
        user_id: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<Option<StoredUser>, StoreError>> + Send + 'a>> {
        Box::pin(UserStore::find(self, user_id))
    }
}

/// A user as the store keeps it: its name as the store spells it, an argon2 PHC hash and roles.
///
/// ```
/// use safe_update::auth::{hash_password, StoredUser};
///
/// let user = StoredUser::new("alice", hash_password("s3cret").unwrap(), ["user", "admin"]);
/// assert_eq!(user.roles, ["user", "admin"]);
/// assert!(!format!("{user:?}").contains("argon2")); // the hash stays out of logs
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct StoredUser {
    /// The user name as the store spells it (a store may match `Alice` to `alice`): the name
    /// of the [`Identity`](super::Identity), and the name the login throttle counts under.
    pub name: String,
    /// PHC string such as `$argon2id$v=19$m=19456,t=2,p=1$...`, from
    /// [`hash_password`](super::hash_password).
    pub password_hash: String,
    /// Roles of the user, given to its [`Identity`](super::Identity).
    pub roles: Vec<String>,
}

impl StoredUser {
    /// A stored user from its name, hash and roles.
    pub fn new<I>(name: impl Into<String>, password_hash: impl Into<String>, roles: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        StoredUser {
            name: name.into(),
            password_hash: password_hash.into(),
            roles: roles.into_iter().map(Into::into).collect(),
        }
    }
}

// A hash is what an offline attack starts from: keep it out of logs.
impl fmt::Debug for StoredUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredUser")
            .field("name", &self.name)
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
