//! The demo's own errors as RFC 9457 problems, like the library's refusals.

use std::fmt;

use safe_update::auth::{AuthError, HashError};
use safe_update::web::{AuthFailure, AuthRejection, Problem};

use crate::db::DbError;
use crate::model::ADMIN;
use crate::precondition::etag;
use crate::update::UpdateError;

/// An error of a handler of this crate.
#[derive(Debug)]
pub enum ApiError {
    /// The named user does not exist.
    NotFound,
    /// No route has this path.
    NoRoute,
    /// The route has no such method; it has those of `Allow`.
    MethodNotAllowed {
        /// The route's methods, as the `Allow` header lists them.
        allow: &'static str,
    },
    /// The `If-Match` header is not a list of entity tags.
    BadIfMatch,
    /// An update, refused before anything was written.
    Update(UpdateError),
    /// The database failed to answer a read (`GET` of a user): nothing was to be written, so
    /// the answer does not speak of an update.
    Read(DbError),
    /// `PUT /profile/password` without a password.
    PasswordMissing,
    /// A new password no client could log in with, or too short.
    WeakPassword(String),
    /// A bug or a broken environment (hashing failed): 500, the detail logged only.
    Internal(String),
    /// Every argon2 slot is taken and the queue for one is full, or no slot came free in
    /// time: a new password could not be hashed now (503 `authentication_busy`, as a login
    /// refused for the same reason, with `Retry-After`).
    Busy,
    /// `POST /users` with a user name that is taken.
    UsernameTaken,
    /// A form post from another site's page (cross-site request forgery: the browser would
    /// have added the user's Basic credentials by itself).
    CrossSite,
}

impl From<UpdateError> for ApiError {
    fn from(error: UpdateError) -> Self {
        ApiError::Update(error)
    }
}

impl From<HashError> for ApiError {
    fn from(error: HashError) -> Self {
        match error {
            HashError::Busy => ApiError::Busy,
            error => ApiError::Internal(error.to_string()),
        }
    }
}

impl From<DbError> for ApiError {
    fn from(error: DbError) -> Self {
        ApiError::Update(UpdateError::Db(error))
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::NotFound | ApiError::Update(UpdateError::NotFound) => {
                f.write_str("no such user")
            }
            ApiError::NoRoute => f.write_str("no such route"),
            ApiError::UsernameTaken => f.write_str("a user with this name exists already"),
            ApiError::MethodNotAllowed { allow } => {
                write!(f, "this route takes only the methods {allow}")
            }
            ApiError::BadIfMatch => {
                f.write_str("If-Match must be `*` or a list of quoted entity tags, such as \"v2\"")
            }
            ApiError::Update(UpdateError::RoleRevoked) => {
                f.write_str("this action requires the role \"admin\"")
            }
            ApiError::PasswordMissing => f.write_str("send the new password: {\"password\": \"...\"}"),
            ApiError::WeakPassword(reason) => f.write_str(reason),
            ApiError::Internal(_) => f.write_str("the server failed; nothing was changed"),
            ApiError::Busy => f.write_str(busy().detail()),
            ApiError::CrossSite => f.write_str(
                "a form may be posted only from this server's own pages (Origin and Sec-Fetch-Site say otherwise)",
            ),
            ApiError::Update(UpdateError::Stale(version)) => write!(
                f,
                "If-Match does not match the current version (ETag {})",
                etag(*version)
            ),
            ApiError::Update(UpdateError::Refused(rejection)) => rejection.fmt(f),
            ApiError::Update(UpdateError::Db(_)) | ApiError::Read(_) => {
                f.write_str("the database is unavailable; try again")
            }
        }
    }
}

impl ApiError {
    /// The answer, in the one format of every refusal (RFC 9457); the patch refusals are the
    /// library's own.
    pub fn problem(&self) -> Problem {
        match self {
            ApiError::NotFound | ApiError::Update(UpdateError::NotFound) => {
                Problem::new(404, "not_found", "Not found", self.to_string())
            }
            ApiError::NoRoute => Problem::new(404, "not_found", "Not found", self.to_string()),
            ApiError::UsernameTaken => {
                Problem::new(409, "username_taken", "User name taken", self.to_string())
            }
            ApiError::MethodNotAllowed { allow } => Problem::new(
                405,
                "method_not_allowed",
                "Method not allowed",
                self.to_string(),
            )
            .with_header("allow", *allow),
            ApiError::BadIfMatch => Problem::new(
                400,
                "malformed_if_match",
                "Malformed If-Match",
                self.to_string(),
            ),
            ApiError::Update(UpdateError::Stale(version)) => Problem::new(
                412,
                "precondition_failed",
                "Precondition failed",
                self.to_string(),
            )
            .with("version", version)
            .with_header("etag", etag(*version)),
            ApiError::Update(UpdateError::RoleRevoked) => {
                Problem::new(403, "role_required", "Role required", self.to_string())
                    .with("roles", [ADMIN])
            }
            ApiError::PasswordMissing => Problem::new(
                422,
                "password_required",
                "Password required",
                self.to_string(),
            ),
            ApiError::WeakPassword(_) => {
                Problem::new(422, "weak_password", "Password refused", self.to_string())
            }
            ApiError::Internal(_) => {
                Problem::new(500, "internal_error", "Internal error", self.to_string())
            }
            ApiError::Busy => busy(),
            ApiError::CrossSite => Problem::new(
                403,
                "cross_site_request",
                "Cross-site request refused",
                self.to_string(),
            ),
            ApiError::Update(UpdateError::Refused(rejection)) => rejection.problem(),
            ApiError::Update(UpdateError::Db(error)) if !error.is_transient() => Problem::new(
                500,
                "database_error",
                "Database error",
                "the database failed; the update was not written",
            ),
            ApiError::Read(error) if !error.is_transient() => Problem::new(
                500,
                "database_error",
                "Database error",
                "the database failed; the user could not be read",
            ),
            ApiError::Update(UpdateError::Db(_)) | ApiError::Read(_) => {
                Problem::new(503, "unavailable", "Unavailable", self.to_string())
                    .with_header("retry-after", "1")
            }
        }
    }

    /// Logs what the operator must know (the database failed), then gives the problem.
    pub fn logged_problem(&self) -> Problem {
        match self {
            ApiError::Update(UpdateError::Db(error)) => tracing::error!(%error, "database failed"),
            ApiError::Read(error) => tracing::error!(%error, "database failed on a read"),
            ApiError::Internal(error) => tracing::error!(%error, "internal error"),
            ApiError::CrossSite => tracing::warn!(
                target: safe_update::auth::SECURITY_LOG_TARGET,
                "refused: a form posted from another site"
            ),
            _ => {}
        }
        self.problem()
    }
}

/// The library's answer to a login refused for want of an argon2 slot: one code, title and
/// `Retry-After` for every request that found the slots full, login or new password.
fn busy() -> Problem {
    AuthRejection::new(AuthFailure::Auth(AuthError::Busy), None).problem()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A failed read says so, and never that an update was not written; a failed update
    /// keeps its own words. Either is 503 when trying again may help.
    #[test]
    fn a_failed_read_is_not_called_an_update() {
        let read = ApiError::Read(DbError::Column("broken".into())).problem();
        assert_eq!((read.status(), read.code()), (500, "database_error"));
        assert_eq!(
            read.detail(),
            "the database failed; the user could not be read"
        );
        let update = ApiError::Update(UpdateError::Db(DbError::Column("broken".into()))).problem();
        assert_eq!((update.status(), update.code()), (500, "database_error"));
        assert_eq!(
            update.detail(),
            "the database failed; the update was not written"
        );
        let busy = ApiError::Read(DbError::Pool("timed out".into())).problem();
        assert_eq!((busy.status(), busy.code()), (503, "unavailable"));
    }
}
