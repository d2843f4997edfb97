//! The authenticator's [`UserStore`] over the `users` table: hash and roles, fresh each time.

use std::sync::Arc;

use safe_update::auth::{StoreError, StoredUser, UserStore};

use crate::db::{self, Db};
use crate::model::ADMIN;

/// Users as the authenticator sees them: `is_admin` in the row is role `admin`.
///
/// Asked on every request (cached verifications included), so a promotion, a demotion or a
/// new password from the CLI applies to the next request.
pub struct SqliteStore {
    db: Arc<Db>,
}

impl SqliteStore {
    /// A store reading from `db`.
    pub fn new(db: Arc<Db>) -> Self {
        SqliteStore { db }
    }
}

impl UserStore for SqliteStore {
    fn find(&self, user_id: &str) -> Result<Option<StoredUser>, StoreError> {
        let user = self
            .db
            .with(|conn| db::user_by_name(conn, user_id))
            .map_err(StoreError::new)?;
        Ok(user.map(|user| {
            let roles = if user.is_admin { vec![ADMIN] } else { vec![] };
            StoredUser::new(user.password_hash, roles)
        }))
    }
}
