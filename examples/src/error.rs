//! The demo's own errors as RFC 9457 problems, like the library's refusals.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use safe_update::actix::respond;
use safe_update::web::Problem;

use crate::model::ADMIN;
use crate::update::{etag, UpdateError};

/// An error of a handler of this crate.
#[derive(Debug)]
pub enum ApiError {
    /// The named user does not exist.
    NotFound,
    /// The `If-Match` header is not a list of entity tags.
    BadIfMatch,
    /// An update, refused before anything was written.
    Update(UpdateError),
    /// The database failed or the blocking pool is gone.
    Unavailable(String),
}

impl From<UpdateError> for ApiError {
    fn from(error: UpdateError) -> Self {
        ApiError::Update(error)
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(error: rusqlite::Error) -> Self {
        ApiError::Update(UpdateError::Db(error))
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        ApiError::Unavailable(error.to_string())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::NotFound | ApiError::Update(UpdateError::NotFound) => {
                f.write_str("no such user")
            }
            ApiError::BadIfMatch => {
                f.write_str("If-Match must be `*` or a list of quoted entity tags, such as \"v2\"")
            }
            ApiError::Update(UpdateError::RoleRevoked) => {
                f.write_str("this action requires the role \"admin\"")
            }
            ApiError::Update(UpdateError::Stale(version)) => write!(
                f,
                "If-Match does not match the current version (ETag {})",
                etag(*version)
            ),
            ApiError::Update(UpdateError::Refused(rejection)) => rejection.fmt(f),
            ApiError::Update(UpdateError::Db(_)) | ApiError::Unavailable(_) => {
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
            .with_header("etag", etag(*version).to_string()),
            ApiError::Update(UpdateError::RoleRevoked) => {
                Problem::new(403, "role_required", "Role required", self.to_string())
                    .with("roles", [ADMIN])
            }
            ApiError::Update(UpdateError::Refused(rejection)) => rejection.problem(),
            ApiError::Update(UpdateError::Db(error)) if !is_busy(error) => Problem::new(
                500,
                "database_error",
                "Database error",
                "the database failed; the update was not written",
            ),
            ApiError::Update(UpdateError::Db(_)) | ApiError::Unavailable(_) => Problem::new(
                503,
                "unavailable",
                "Unavailable",
                self.to_string(),
            )
            .with_header("retry-after", "1"),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.problem().status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Update(UpdateError::Db(error)) => tracing::error!(%error, "database failed"),
            ApiError::Unavailable(error) => tracing::error!(%error, "blocking pool failed"),
            _ => {}
        }
        respond(&self.problem())
    }
}

/// Whether SQLite gave up waiting for a lock: worth a retry.
fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}
