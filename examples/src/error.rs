//! The demo's own errors as JSON responses: `{"error": CODE, "message": TEXT, ...}`.

use std::fmt;

use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

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
    fn code(&self) -> &'static str {
        match self {
            ApiError::NotFound | ApiError::Update(UpdateError::NotFound) => "not_found",
            ApiError::BadIfMatch => "malformed_if_match",
            ApiError::Update(UpdateError::Stale(_)) => "precondition_failed",
            ApiError::Update(UpdateError::RoleRevoked) => "role_required",
            ApiError::Update(UpdateError::Refused(rejection)) => rejection.code(),
            ApiError::Update(UpdateError::Db(_)) | ApiError::Unavailable(_) => "unavailable",
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::NotFound | ApiError::Update(UpdateError::NotFound) => StatusCode::NOT_FOUND,
            ApiError::BadIfMatch => StatusCode::BAD_REQUEST,
            ApiError::Update(UpdateError::Stale(_)) => StatusCode::PRECONDITION_FAILED,
            ApiError::Update(UpdateError::RoleRevoked) => StatusCode::FORBIDDEN,
            ApiError::Update(UpdateError::Refused(rejection)) => rejection.status_code(),
            ApiError::Update(UpdateError::Db(error)) if !is_busy(error) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            ApiError::Update(UpdateError::Db(_)) | ApiError::Unavailable(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Update(UpdateError::Db(error)) => tracing::error!(%error, "database failed"),
            ApiError::Unavailable(error) => tracing::error!(%error, "blocking pool failed"),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        let body = match self {
            // The library's own response: every denied field and invalid value.
            ApiError::Update(UpdateError::Refused(rejection)) => return rejection.error_response(),
            ApiError::Update(UpdateError::Stale(version)) => {
                response.insert_header(header::ETag(etag(*version)));
                json!({"error": self.code(), "message": self.to_string(), "version": version})
            }
            ApiError::Update(UpdateError::Db(_)) | ApiError::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "1"));
                json!({"error": self.code(), "message": self.to_string()})
            }
            ApiError::Update(UpdateError::RoleRevoked) => {
                json!({"error": self.code(), "message": self.to_string(), "roles": [ADMIN]})
            }
            _ => json!({"error": self.code(), "message": self.to_string()}),
        };
        response.json(body)
    }
}

/// Whether SQLite gave up waiting for a lock: worth a retry.
fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}
