//! The demo's own errors as RFC 9457 problems, like the library's refusals: one table
//! (`ApiError::row`) says of each its status, code, title, message and what the operator's
//! log says of it; the answer, the log and `Display` all read it.

use std::fmt;

use safe_update::auth::{AuthError, HashError, SECURITY_LOG_TARGET};
use safe_update::web::{AuthFailure, AuthRejection, PatchRejection, Problem};

use crate::db::DbError;
use crate::model::ADMIN;
use crate::precondition::etag;
use crate::update::UpdateError;

/// An error of a handler of this crate.
#[derive(Debug)]
pub enum ApiError {
    /// The named user does not exist.
    NotFound,
    /// No article has this id.
    ArticleNotFound,
    /// No route has this path.
    NoRoute,
    /// The route has no such method; it has those of `Allow`.
    MethodNotAllowed {
        /// The route's methods, as the `Allow` header lists them.
        allow: &'static str,
    },
    /// The `If-Match` header is not a list of entity tags.
    BadIfMatch,
    /// `If-Match` names another version than the current one, given.
    Stale(u64),
    /// The sender no longer holds the role the action needs: demoted, or removed, since it
    /// authenticated.
    RoleRevoked,
    /// Gated fields the sender may not write, or values a validator refused: the library's
    /// own answer.
    Refused(PatchRejection),
    /// The database failed to answer a read (`GET` of a user): nothing was to be written, so
    /// the answer does not speak of an update.
    Read(DbError),
    /// The database failed during a write (an update, a new user, a new password): nothing
    /// was written.
    Write(DbError),
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

/// What the operator's log says of an error, besides the answer.
enum Log<'a> {
    /// Nothing: the client's mistake, or a refusal the library logs itself.
    Quiet,
    /// An error the operator must see (the database or the server failed), with its cause.
    Error(&'static str, &'a dyn fmt::Display),
    /// A security event.
    Security(&'static str),
}

impl ApiError {
    /// The table: each error's answer, in the one format of every refusal (RFC 9457; the
    /// patch refusals and a busy hash are the library's own), and its log.
    fn row(&self) -> (Problem, Log<'_>) {
        let quiet = |problem| (problem, Log::Quiet);
        match self {
            ApiError::NotFound => {
                quiet(Problem::new(404, "not_found", "Not found", "no such user"))
            }
            ApiError::ArticleNotFound => quiet(Problem::new(
                404,
                "not_found",
                "Not found",
                "no such article",
            )),
            ApiError::NoRoute => {
                quiet(Problem::new(404, "not_found", "Not found", "no such route"))
            }
            ApiError::MethodNotAllowed { allow } => quiet(
                Problem::new(
                    405,
                    "method_not_allowed",
                    "Method not allowed",
                    format!("this route takes only the methods {allow}"),
                )
                .with_header("allow", *allow),
            ),
            ApiError::BadIfMatch => quiet(Problem::new(
                400,
                "malformed_if_match",
                "Malformed If-Match",
                "If-Match must be `*` or a list of quoted entity tags, such as \"v2\"",
            )),
            ApiError::Stale(version) => quiet(
                Problem::new(
                    412,
                    "precondition_failed",
                    "Precondition failed",
                    format!(
                        "If-Match does not match the current version (ETag {})",
                        etag(*version)
                    ),
                )
                .with("version", version)
                .with_header("etag", etag(*version)),
            ),
            // Logged where the revocation is found, with the user's name.
            ApiError::RoleRevoked => quiet(
                Problem::new(
                    403,
                    "role_required",
                    "Role required",
                    format!("this action requires the role {ADMIN:?}"),
                )
                .with("roles", [ADMIN]),
            ),
            ApiError::Refused(rejection) => quiet(rejection.problem()),
            ApiError::Read(error) => database(
                error,
                "the user could not be read",
                "database failed on a read",
            ),
            ApiError::Write(error) => database(error, "nothing was written", "database failed"),
            ApiError::PasswordMissing => quiet(Problem::new(
                422,
                "password_required",
                "Password required",
                "send the new password: {\"password\": \"...\"}",
            )),
            ApiError::WeakPassword(reason) => quiet(Problem::new(
                422,
                "weak_password",
                "Password refused",
                reason.as_str(),
            )),
            ApiError::Internal(error) => (
                Problem::new(
                    500,
                    "internal_error",
                    "Internal error",
                    "the server failed; nothing was changed",
                ),
                Log::Error("internal error", error),
            ),
            ApiError::Busy => quiet(busy()),
            ApiError::UsernameTaken => quiet(Problem::new(
                409,
                "username_taken",
                "User name taken",
                "a user with this name exists already",
            )),
            ApiError::CrossSite => (
                Problem::new(
                    403,
                    "cross_site_request",
                    "Cross-site request refused",
                    "a form may be posted only from this server's own pages (Origin and \
                     Sec-Fetch-Site say otherwise)",
                ),
                Log::Security("refused: a form posted from another site"),
            ),
        }
    }

    /// The answer.
    pub fn problem(&self) -> Problem {
        self.row().0
    }

    /// Logs what the operator must know (the database failed, a cross-site form), then gives
    /// the answer.
    pub fn logged_problem(&self) -> Problem {
        let (problem, log) = self.row();
        match log {
            Log::Quiet => {}
            Log::Error(what, error) => tracing::error!(%error, "{what}"),
            Log::Security(what) => tracing::warn!(target: SECURITY_LOG_TARGET, "{what}"),
        }
        problem
    }
}

/// The row of a failed database: 503 when trying again may help, else 500 saying what was
/// not done; logged as `what` either way.
fn database<'a>(error: &'a DbError, not_done: &str, what: &'static str) -> (Problem, Log<'a>) {
    let problem = if error.is_transient() {
        Problem::new(
            503,
            "unavailable",
            "Unavailable",
            "the database is unavailable; try again",
        )
        .with_header("retry-after", "1")
    } else {
        Problem::new(
            500,
            "database_error",
            "Database error",
            format!("the database failed; {not_done}"),
        )
    };
    (problem, Log::Error(what, error))
}

/// The library's answer to a login refused for want of an argon2 slot: one code, title and
/// `Retry-After` for every request that found the slots full, login or new password.
fn busy() -> Problem {
    AuthRejection::new(AuthFailure::Auth(AuthError::Busy), None).problem()
}

/// The answer's detail.
impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.problem().detail())
    }
}

/// An update's error, answered as its own row; a failed database is a failed write.
impl From<UpdateError> for ApiError {
    fn from(error: UpdateError) -> Self {
        match error {
            UpdateError::NotFound => ApiError::NotFound,
            UpdateError::Stale(version) => ApiError::Stale(version),
            UpdateError::RoleRevoked => ApiError::RoleRevoked,
            UpdateError::Refused(rejection) => ApiError::Refused(rejection),
            UpdateError::Db(error) => ApiError::Write(error),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A failed read says so, and never that nothing was written; a failed write (an update,
    /// a new user, a password) says nothing was written. Either is 503 when trying again may
    /// help.
    #[test]
    fn a_failed_read_is_not_called_an_update() {
        let read = ApiError::Read(DbError::Column("broken".into())).problem();
        assert_eq!((read.status(), read.code()), (500, "database_error"));
        assert_eq!(
            read.detail(),
            "the database failed; the user could not be read"
        );
        let update = ApiError::from(UpdateError::Db(DbError::Column("broken".into()))).problem();
        assert_eq!((update.status(), update.code()), (500, "database_error"));
        assert_eq!(update.detail(), "the database failed; nothing was written");
        let busy = ApiError::Read(DbError::Pool("timed out".into())).problem();
        assert_eq!((busy.status(), busy.code()), (503, "unavailable"));
    }

    /// The message of an error is its answer's detail: a broken database is not called
    /// unavailable, and an internal error's cause stays in the log.
    #[test]
    fn the_message_is_the_answers_detail() {
        let broken = || DbError::Column("broken".into());
        for error in [
            ApiError::Read(broken()),
            ApiError::from(UpdateError::Db(broken())),
            ApiError::Read(DbError::Pool("timed out".into())),
            ApiError::from(UpdateError::Stale(3)),
            ApiError::Internal("secret cause".into()),
            ApiError::Busy,
        ] {
            let problem = error.problem();
            assert_eq!(error.to_string(), problem.detail(), "{error:?}");
            assert!(!problem.detail().contains("secret"), "{error:?}");
        }
    }
}
