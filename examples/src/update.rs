//! One update, one transaction: read, check `If-Match`, re-read the sender's roles,
//! `apply_as`, write the changed columns.
//!
//! `BEGIN IMMEDIATE` takes SQLite's write lock before the read, so two concurrent updates of
//! one user run one after the other, each on the other's result: no write is lost, and the
//! version compared with `If-Match` is the one the update is applied to. Updates run on the
//! writer connection ([`Db::write`]), so within the process they queue on its mutex first.
//!
//! The sender's roles are read again inside the transaction: an admin demoted while the
//! request was on its way (authenticated with the old roles) cannot still write `is_admin`,
//! nor another user's profile.

use rusqlite::TransactionBehavior;
use safe_update::auth::SECURITY_LOG_TARGET;
use safe_update::web::PatchRejection;
use safe_update::Applied;

use crate::db::{self, Db};
use crate::model::{User, ADMIN};
use crate::precondition::IfMatch;

/// Why an update was not written; nothing was.
#[derive(Debug)]
pub enum UpdateError {
    /// The target user does not exist (404).
    NotFound,
    /// `If-Match` names another version (412); the current one is given.
    Stale(u64),
    /// The sender no longer holds the role the action needs (403): demoted, or removed,
    /// since it authenticated.
    RoleRevoked,
    /// Gated fields the sender may not write (403) or values a validator refused (422).
    Refused(PatchRejection),
    /// The database failed.
    Db(rusqlite::Error),
}

impl From<rusqlite::Error> for UpdateError {
    fn from(error: rusqlite::Error) -> Self {
        UpdateError::Db(error)
    }
}

/// Who asks for an update, and what the route requires of them.
#[derive(Debug, Clone, Copy)]
pub struct Sender<'a> {
    /// The authenticated user name.
    pub name: &'a str,
    /// Whether the route is for admins only (`/users/{username}`).
    pub needs_admin: bool,
}

/// Applies a patch for `sender` to the user called `target` in one `BEGIN IMMEDIATE`
/// transaction; blocking. `apply` applies it given the sender's roles of this moment
/// (`SafePatch::apply_with_roles`, or `apply_as` for the load benchmark's `web::Json`
/// baseline, which must pay for exactly the same transaction).
///
/// Returns the user as stored and the columns that changed (none: nothing written, `version`
/// kept).
pub fn run(
    db: &Db,
    sender: Sender<'_>,
    target: &str,
    apply: impl FnOnce(&mut User, &User) -> Result<Applied, PatchRejection>,
    if_match: Option<&IfMatch>,
) -> Result<(User, Vec<&'static str>), UpdateError> {
    db.write(|conn| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // The sender as of now, under the write lock: its roles cannot change until commit.
        let sender_now = db::user_by_name(&tx, sender.name)?;
        let sender_now = match sender_now {
            Some(user) if !sender.needs_admin || safe_update::Roles::has_role(&user, ADMIN) => user,
            _ => {
                tracing::warn!(
                    target: SECURITY_LOG_TARGET,
                    user = ?sender.name,
                    "refused: the role the update needs was revoked since the request authenticated"
                );
                return Err(UpdateError::RoleRevoked);
            }
        };
        let mut user = if target == sender.name {
            sender_now.clone()
        } else {
            db::user_by_name(&tx, target)?.ok_or(UpdateError::NotFound)?
        };
        if let Some(if_match) = if_match {
            if !if_match.matches(user.version) {
                return Err(UpdateError::Stale(user.version));
            }
        }
        let applied = apply(&mut user, &sender_now).map_err(UpdateError::Refused)?;
        let changed = applied.changed_top_level();
        if !changed.is_empty() {
            db::write_changes(&tx, &mut user, &changed)?;
            tx.commit()?;
        }
        Ok((user, changed))
    })
}
