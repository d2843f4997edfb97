//! One update, one transaction: read, check `If-Match`, `apply_as`, write the changed columns.
//!
//! `BEGIN IMMEDIATE` takes SQLite's write lock before the read, so two concurrent updates of
//! one user run one after the other, each on the other's result: no write is lost, and the
//! version compared with `If-Match` is the one the update is applied to. Updates run on the
//! writer connection ([`Db::write`]), so within the process they queue on its mutex first.

use actix_web::http::header::{EntityTag, IfMatch};
use rusqlite::TransactionBehavior;
use safe_update::actix::{PatchRejection, SafePatch};
use safe_update::Applied;

use crate::db::{self, Db};
use crate::model::{User, UserPatch};

/// Why an update was not written; nothing was.
#[derive(Debug)]
pub enum UpdateError {
    /// The target user does not exist (404).
    NotFound,
    /// `If-Match` names another version (412); the current one is given.
    Stale(u64),
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

/// The strong `ETag` of a user's representation at `version`: `"v7"`.
pub fn etag(version: u64) -> EntityTag {
    EntityTag::new_strong(format!("v{version}"))
}

/// Whether `If-Match` allows writing over `version` (strong comparison, RFC 9110 13.1.1).
pub fn matches(if_match: &IfMatch, version: u64) -> bool {
    match if_match {
        IfMatch::Any => true,
        IfMatch::Items(tags) => tags.iter().any(|tag| tag.strong_eq(&etag(version))),
    }
}

/// Applies `patch` to the user called `target` in one `BEGIN IMMEDIATE` transaction; blocking.
///
/// The sender's roles are those the user store gave its identity for this request. Returns
/// the user as stored and the columns that changed (none: nothing written, `version` kept).
pub fn run(
    db: &Db,
    target: &str,
    patch: SafePatch<UserPatch>,
    if_match: Option<&IfMatch>,
) -> Result<(User, Vec<&'static str>), UpdateError> {
    run_with(db, target, |user| patch.apply_to(user), if_match)
}

/// [`run`] with any way of applying the patch: the load benchmark's `web::Json` baseline
/// calls `apply_as` itself, and must pay for exactly the same transaction.
pub fn run_with(
    db: &Db,
    target: &str,
    apply: impl FnOnce(&mut User) -> Result<Applied, PatchRejection>,
    if_match: Option<&IfMatch>,
) -> Result<(User, Vec<&'static str>), UpdateError> {
    db.write(|conn| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut user = db::user_by_name(&tx, target)?.ok_or(UpdateError::NotFound)?;
        if let Some(if_match) = if_match {
            if !matches(if_match, user.version) {
                return Err(UpdateError::Stale(user.version));
            }
        }
        let applied = apply(&mut user).map_err(UpdateError::Refused)?;
        let changed = applied.changed_top_level();
        if !changed.is_empty() {
            db::write_changes(&tx, &mut user, &changed)?;
            tx.commit()?;
        }
        Ok((user, changed))
    })
}
