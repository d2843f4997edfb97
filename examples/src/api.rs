//! What the routes do, whatever serves them: health, the caller's profile, any user (read by
//! any user as its view for them, written by admins). The actix and axum servers ([`crate::actix_app`], [`crate::axum_app`]) only
//! route, extract and answer; both call these, so both answer alike, over either database.
//!
//! | route | method | who |
//! |---|---|---|
//! | `/healthz` | GET | anyone |
//! | `/profile` | GET, PATCH, PUT (a merge patch, JSON) | any user, on itself |
//! | `/profile` | POST (an HTML form, or JSON) | any user, on itself |
//! | `/profile/password` | PUT (`{"password": "..."}`) | any user, on itself |
//! | `/users` | POST (a new user: [`crate::account`]) | admins |
//! | `/users/{username}` | GET | any user: the sender's view of that user |
//! | `/users/{username}` | PATCH, PUT | admins |
//!
//! The articles' routes are [`crate::articles`]'.

use safe_update::auth::{Authenticator, SECURITY_LOG_TARGET};
use safe_update::web::Role;
use zeroize::Zeroizing;

use crate::db::Database;
use crate::error::ApiError;
use crate::model::{User, ADMIN};
use crate::origin;
use crate::password::{self, NewPasswordPatch};
use crate::precondition::{self, IfMatch};
use crate::update::{Apply, Sender};

/// Liveness, without authentication.
pub const HEALTHZ: &str = "/healthz";
/// The methods of [`HEALTHZ`], as `Allow` lists them.
pub const HEALTHZ_ALLOW: &str = "GET, HEAD";
/// The caller's own user.
pub const PROFILE: &str = "/profile";
/// The methods of [`PROFILE`].
pub const PROFILE_ALLOW: &str = "GET, HEAD, PATCH, POST, PUT";
/// The caller's own password.
pub const PASSWORD: &str = "/profile/password";
/// The methods of [`PASSWORD`].
pub const PASSWORD_ALLOW: &str = "PUT";
/// Where admins create users.
pub const USERS: &str = "/users";
/// The methods of [`USERS`].
pub const USERS_ALLOW: &str = "POST";
/// Any user: read by any user, written by admins (the path syntax of both actix-web and axum
/// 0.8).
pub const USER: &str = "/users/{username}";
/// The methods of [`USER`].
pub const USER_ALLOW: &str = "GET, HEAD, PATCH, PUT";

/// The `tracing` target of the audit log: one event per update that changed something.
pub const AUDIT_LOG_TARGET: &str = "safe_update_demo::audit";

/// The largest patch body accepted; a profile update is a few hundred bytes.
pub const BODY_LIMIT: usize = 16 * 1024;

/// Role `admin`, for `RequireRole`.
pub struct Admin;

impl Role for Admin {
    const NAME: &'static str = ADMIN;
}

/// The user called `username`. A failing database is a read's error ([`ApiError::Read`]),
/// not an update's.
pub async fn read(db: &Database, username: &str) -> Result<User, ApiError> {
    db.user(username)
        .await
        .map_err(ApiError::Read)?
        .ok_or(ApiError::NotFound)
}

/// The `{username}` of a `/users/{username}` path, or 404 when no user can have it (the rule
/// of [`crate::model::username`] refuses it: NUL, upper case, too long...). Refused before the
/// database is asked, so every backend answers alike: PostgreSQL's `text` cannot even be
/// compared with a NUL, where SQLite would find nobody.
pub fn user_in_path(username: String) -> Result<String, ApiError> {
    match crate::model::username(&username) {
        Ok(()) => Ok(username),
        Err(_) => Err(ApiError::NotFound),
    }
}

/// The path of the user called `username` (user names need no percent-encoding).
pub fn user_location(username: &str) -> String {
    USER.replace("{username}", username)
}

/// Applies a patch for `sender` to the user called `target` in one transaction
/// ([`crate::update`]) and writes the audit event. `apply` is given the sender's roles of this
/// moment.
pub async fn update(
    db: &Database,
    sender: Sender,
    target: String,
    apply: Apply,
    if_match: Option<IfMatch>,
) -> Result<User, ApiError> {
    let actor = sender.name.clone();
    let (user, changed) = db.update(sender, target, apply, if_match).await?;
    audit(&actor, &user, &changed);
    Ok(user)
}

/// Replaces the password of `username` (authenticated with the current one) by the one in
/// `patch`. Every instance refuses the old password from the next request on: each asks the
/// database for the stored hash on every request, cached verifications included.
///
/// The new password is hashed by `auth`, in the argon2 slots that logins take: a burst of
/// password changes runs no more argon2 at once than a burst of logins, and past the slots
/// and their queue it is answered 503 `authentication_busy` ([`ApiError::Busy`]).
pub async fn change_password(
    db: &Database,
    auth: &Authenticator,
    username: String,
    patch: NewPasswordPatch,
) -> Result<(), ApiError> {
    let new = Zeroizing::new(patch.password.ok_or(ApiError::PasswordMissing)?);
    password::check(&username, &new).map_err(ApiError::WeakPassword)?;
    let hash = auth.hash_password(&new).await?;
    let changed = db
        .set_password(&username, &hash)
        .await
        .map_err(ApiError::Write)?;
    if !changed {
        return Err(ApiError::NotFound);
    }
    tracing::info!(target: SECURITY_LOG_TARGET, user = ?username, "password changed");
    Ok(())
}

/// The request's `If-Match` from its field lines, if it has one; 400 when it is not `*` or a
/// list of entity tags.
pub fn if_match<'a>(lines: impl Iterator<Item = &'a [u8]>) -> Result<Option<IfMatch>, ApiError> {
    precondition::if_match(lines).map_err(|_| ApiError::BadIfMatch)
}

/// Refuses a form posted from another site's page ([`origin`]); `header`
/// gives a request header's value by its lower-case name.
pub fn form_from_own_page<'a>(
    header: impl Fn(&'static str) -> Option<&'a [u8]>,
) -> Result<(), ApiError> {
    let own = origin::same_origin(header("host"), header("origin"), header("sec-fetch-site"));
    if own {
        Ok(())
    } else {
        Err(ApiError::CrossSite)
    }
}

/// Logs a successful update that changed something: who, whom, which columns.
fn audit(actor: &str, user: &User, changed: &[&str]) {
    if !changed.is_empty() {
        tracing::info!(
            target: AUDIT_LOG_TARGET,
            actor = ?actor,
            user = ?user.username,
            changed = ?changed,
            version = user.version,
            "user updated"
        );
    }
}

/// The body of `GET /healthz`.
pub fn health() -> serde_json::Value {
    serde_json::json!({ "status": "ok" })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A path name no user can have never reaches the database: PostgreSQL would fail on the
    /// NUL (500) where SQLite finds nobody (404).
    #[test]
    fn a_name_no_user_can_have_is_not_found_before_the_database() {
        assert_eq!(user_in_path("alice".into()).unwrap(), "alice");
        for name in ["", "a\0b", "\0", "Alice", "al ice", &"a".repeat(33)] {
            let refused = user_in_path(name.to_owned());
            assert!(matches!(refused, Err(ApiError::NotFound)), "{name:?}");
        }
    }
}
