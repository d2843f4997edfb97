//! One update, one transaction, whatever the database: lock and read the sender and the
//! target, check the sender's roles of now and `If-Match`, `apply_as`, write the changed
//! columns. Each backend ([`crate::db`]) does the reads and the write inside its transaction;
//! what happens between them is [`check_and_apply`], the same for both.
//!
//! The rows are read under the transaction's write lock (SQLite's `BEGIN IMMEDIATE`,
//! PostgreSQL's `SELECT ... FOR UPDATE`), so two concurrent updates of one user run one after
//! the other, each on the other's result, whichever instance serves them: no write is lost,
//! and the version compared with `If-Match` is the one the update is applied to.
//!
//! The sender's roles are read again inside the transaction: an admin demoted while the
//! request was on its way (authenticated with the old roles) cannot still write `is_admin`,
//! nor another user's profile.

use safe_update::auth::{Identity, SECURITY_LOG_TARGET};
use safe_update::web::{PatchBody, PatchRejection, SafePatch};
use safe_update::{Applied, Roles};

use crate::db::DbError;
use crate::model::{identity_now, User, UserPatch, ADMIN};
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
    Db(DbError),
}

impl From<DbError> for UpdateError {
    fn from(error: DbError) -> Self {
        UpdateError::Db(error)
    }
}

/// Who asks for an update, and what the route requires of them.
#[derive(Debug, Clone)]
pub struct Sender {
    /// The authenticated user name.
    pub name: String,
    /// Whether the route is for admins only (`/users/{username}`).
    pub needs_admin: bool,
}

/// Applies a patch as the sender is at this moment (its name, and its roles as its row says
/// now: [`identity_now`]): `SafePatch::apply_with_roles`, or `apply_as` for the load
/// benchmark's `web::Json` baseline, which must pay for exactly the same transaction.
pub type Apply = Box<dyn FnOnce(&mut User, &Identity) -> Result<Applied, PatchRejection> + Send>;

/// Who sent a PATCH (a merge patch or a JSON Patch) and the update it makes, applied as the
/// sender is when the transaction reads it.
pub fn patch_body(patch: SafePatch<PatchBody<UserPatch>>) -> (Identity, Apply) {
    let who = patch.identity().clone();
    (
        who,
        Box::new(move |user, now| patch.apply_with_roles(user, now)),
    )
}

/// Who sent a PUT or a form (a merge patch) and the update it makes.
pub fn merge_patch(patch: SafePatch<UserPatch>) -> (Identity, Apply) {
    let who = patch.identity().clone();
    (
        who,
        Box::new(move |user, now| patch.apply_with_roles(user, now)),
    )
}

/// The update between its reads and its write, on every backend: `sender_now` and `target`
/// are the rows as locked by the transaction (`None`: no such user). Returns the updated
/// target and the columns to write (none: write nothing, keep `version`).
pub fn check_and_apply(
    sender: &Sender,
    sender_now: Option<User>,
    target: Option<User>,
    apply: Apply,
    if_match: Option<&IfMatch>,
) -> Result<(User, Vec<&'static str>), UpdateError> {
    let sender_now = match sender_now {
        Some(user) if !sender.needs_admin || user.has_role(ADMIN) => {
            identity_now(&sender.name, Some(&user))
        }
        _ => {
            tracing::warn!(
                target: SECURITY_LOG_TARGET,
                user = ?sender.name,
                "refused: the role the update needs was revoked since the request authenticated"
            );
            return Err(UpdateError::RoleRevoked);
        }
    };
    let mut user = target.ok_or(UpdateError::NotFound)?;
    if let Some(if_match) = if_match {
        if !if_match.matches(user.version) {
            return Err(UpdateError::Stale(user.version));
        }
    }
    let applied = apply(&mut user, &sender_now).map_err(UpdateError::Refused)?;
    Ok((user, applied.changed_top_level()))
}
