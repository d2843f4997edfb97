//! A user store in a hash map, for tests and small applications.

use std::collections::HashMap;
use std::fmt;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::{hash_password, HashError, StoreError, StoredUser, UserStore};

/// Users kept in memory. Share it with the application as `Arc<MemoryStore>` to change users
/// while the [`Authenticator`](super::Authenticator) runs.
///
/// ```
/// use safe_update::auth::{MemoryStore, UserStore};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let store = MemoryStore::new().with_user("alice", "s3cret", ["admin"]).unwrap();
/// assert_eq!(store.find("alice").await.unwrap().unwrap().roles, ["admin"]);
/// assert!(store.remove("alice"));
/// assert!(store.find("alice").await.unwrap().is_none());
/// # });
/// ```
#[derive(Default)]
pub struct MemoryStore {
    users: RwLock<HashMap<String, StoredUser>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        MemoryStore::default()
    }

    /// The store with one more user, whose password is hashed now (argon2id, ~20 ms).
    pub fn with_user<I>(self, name: &str, password: &str, roles: I) -> Result<Self, HashError>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.add_user(name, password, roles)?;
        Ok(self)
    }

    /// Adds or replaces a user, hashing its password now.
    pub fn add_user<I>(&self, name: &str, password: &str, roles: I) -> Result<(), HashError>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let user = StoredUser::new(name, hash_password(password)?, roles);
        self.insert(user);
        Ok(())
    }

    /// Adds or replaces a user with an already hashed password, under its name.
    pub fn insert(&self, user: StoredUser) {
        self.write().insert(user.name.clone(), user);
    }

    /// Removes a user; whether it was there.
    pub fn remove(&self, name: &str) -> bool {
        self.write().remove(name).is_some()
    }

    // A panic elsewhere while holding the lock cannot leave the map half-written (each
    // change is one map operation), so a poisoned lock is still good to use.
    fn read(&self) -> RwLockReadGuard<'_, HashMap<String, StoredUser>> {
        self.users.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, HashMap<String, StoredUser>> {
        self.users.write().unwrap_or_else(PoisonError::into_inner)
    }
}

impl UserStore for MemoryStore {
    // A map lookup: it never blocks long enough to need the blocking pool.
    async fn find(&self, user_id: &str) -> Result<Option<StoredUser>, StoreError> {
        Ok(self.read().get(user_id).cloned())
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let users = self.read();
        let mut names: Vec<&String> = users.keys().collect();
        names.sort();
        f.debug_struct("MemoryStore")
            .field("users", &names)
            .finish()
    }
}
