//! The authenticator's user store over the `users` table: name, hash and roles, fresh each
//! time, from either backend.

use safe_update::auth::{StoreError, StoredUser, UserStore};

use crate::db::Database;
use crate::model::ADMIN;

/// Users as the authenticator sees them: `is_admin` in the row is role `admin`.
///
/// Asked on every request (cached verifications included), so a promotion, a demotion or a
/// new password, from the CLI or from another instance, applies to the next request.
#[derive(Clone)]
pub struct DbStore {
    db: Database,
}

impl DbStore {
    /// A store reading from `db`.
    pub fn new(db: Database) -> Self {
        DbStore { db }
    }
}

impl UserStore for DbStore {
    async fn find(&self, user_id: &str) -> Result<Option<StoredUser>, StoreError> {
        let user = self.db.user(user_id).await.map_err(StoreError::new)?;
        Ok(user.map(|user| {
            let roles = if user.is_admin { vec![ADMIN] } else { vec![] };
            StoredUser::new(user.username, user.password_hash, roles)
        }))
    }
}
