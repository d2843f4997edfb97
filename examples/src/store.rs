//! The authenticator's user store over the `users` table: name, hash and roles, fresh each
//! time.

use std::sync::Arc;

use safe_update::auth::{BlockingUserStore, StoreError, StoredUser};

use crate::db::{self, Db};
use crate::model::ADMIN;

/// Users as the authenticator sees them: `is_admin` in the row is role `admin`.
///
/// Asked on every request (cached verifications included), so a promotion, a demotion or a
/// new password from the CLI applies to the next request. SQLite blocks: the authenticator
/// runs it on tokio's blocking pool (`Blocking`).
pub struct SqliteStore {
    db: Arc<Db>,
}

impl SqliteStore {
    /// A store reading from `db`.
    pub fn new(db: Arc<Db>) -> Self {
        SqliteStore { db }
    }
}

impl BlockingUserStore for SqliteStore {
    fn find(&self, user_id: &str) -> Result<Option<StoredUser>, StoreError> {
        let user = self
            .db
            .with(|conn| db::user_by_name(conn, user_id))
            .map_err(StoreError::new)?;
        Ok(user.map(|user| {
            let roles = if user.is_admin { vec![ADMIN] } else { vec![] };
            StoredUser::new(user.username, user.password_hash, roles)
        }))
    }
}
