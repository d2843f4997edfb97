//! Rejections as HTTP responses: a status, the headers it calls for, and a JSON body.

use std::fmt;

use actix_web::http::header::{HeaderName, HeaderValue, RETRY_AFTER, WWW_AUTHENTICATE};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, HttpResponseBuilder, ResponseError};
use serde::Serialize;
use serde_json::json;

use super::audit;
use crate::auth::{AuthError, CredentialsError, MissingRole};
use crate::{ApplyError, PatchError};

/// The media types a patch body may have, as sent in `Accept-Patch` (RFC 5789).
pub const ACCEPTED_PATCH_TYPES: &str = "application/merge-patch+json, application/json";

/// A request refused before it reached the handler because it is not authenticated.
///
/// | failure | status |
/// |---|---|
/// | no `Authorization` header, malformed credentials, unknown user, wrong password, unusable stored hash | 401 with `WWW-Authenticate: Basic realm="...", charset="UTF-8"` |
/// | the login limiter refused the check | 429 with `Retry-After` (seconds) and `retry_after` in the body |
/// | two `Authorization` headers | 400 |
/// | every verification slot busy | 503 with `Retry-After: 1` |
/// | the user store failed | 503 |
/// | no [`Authenticator`](crate::auth::Authenticator) in the app data | 500 |
///
/// The body is `{"error":"<code>","message":"..."}` and never says whether the user exists.
///
/// ```
/// use actix_web::ResponseError;
/// use safe_update::actix::{AuthFailure, AuthRejection};
///
/// let rejection = AuthRejection::new(AuthFailure::MissingCredentials, Some(r#"Basic realm="api""#));
/// assert_eq!(rejection.status_code(), 401);
/// assert_eq!(rejection.code(), "missing_credentials");
/// ```
#[derive(Debug, Clone)]
pub struct AuthRejection {
    failure: AuthFailure,
    challenge: Option<String>,
}

/// Why a request is not authenticated: the reason inside an [`AuthRejection`].
///
/// ```
/// use safe_update::actix::{AuthFailure, AuthRejection};
/// use safe_update::auth::AuthError;
///
/// /// Whether a rejection says the credentials were wrong (for a metric, say).
/// fn is_failed_login(rejection: &AuthRejection) -> bool {
///     matches!(rejection.failure(), AuthFailure::Auth(AuthError::BadCredentials))
/// }
/// let rejection = AuthRejection::new(AuthFailure::Auth(AuthError::BadCredentials), None);
/// assert!(is_failed_login(&rejection));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum AuthFailure {
    /// No `Authorization` header (401).
    MissingCredentials,
    /// More than one `Authorization` header (400): which one counts would be a guess.
    DuplicateAuthorization,
    /// The header is not usable Basic credentials (401).
    Malformed(CredentialsError),
    /// The authenticator refused or could not verify the credentials (401, 503 or 500).
    Auth(AuthError),
    /// The app has no [`Authenticator`](crate::auth::Authenticator) in its data (500).
    NotConfigured,
}

impl AuthRejection {
    /// A rejection; `challenge` is the `WWW-Authenticate` value sent with a 401
    /// ([`Authenticator::challenge`](crate::auth::Authenticator::challenge)).
    pub fn new(failure: AuthFailure, challenge: Option<&str>) -> Self {
        AuthRejection {
            failure,
            challenge: challenge.map(str::to_owned),
        }
    }

    /// Why the request was refused.
    pub fn failure(&self) -> &AuthFailure {
        &self.failure
    }

    /// The machine-readable code of the body's `error` member.
    pub fn code(&self) -> &'static str {
        match &self.failure {
            AuthFailure::MissingCredentials => "missing_credentials",
            AuthFailure::DuplicateAuthorization => "duplicate_authorization",
            AuthFailure::Malformed(_) => "malformed_credentials",
            // An unusable stored hash is the operator's fault, logged as such; the client
            // hears exactly what a wrong password gets.
            AuthFailure::Auth(AuthError::BadCredentials | AuthError::BadStoredHash) => {
                "invalid_credentials"
            }
            AuthFailure::Auth(AuthError::Throttled { .. }) => "too_many_attempts",
            AuthFailure::Auth(AuthError::Busy) => "authentication_busy",
            AuthFailure::Auth(AuthError::Store(_)) => "authentication_unavailable",
            AuthFailure::NotConfigured => "authentication_error",
        }
    }
}

impl fmt::Display for AuthRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // What the client reads: nothing about the store or the server's configuration.
        match &self.failure {
            AuthFailure::MissingCredentials => f.write_str("authentication required"),
            AuthFailure::DuplicateAuthorization => {
                f.write_str("more than one Authorization header")
            }
            AuthFailure::Malformed(error) => error.fmt(f),
            AuthFailure::Auth(AuthError::BadCredentials | AuthError::BadStoredHash) => {
                f.write_str("unknown user or wrong password")
            }
            AuthFailure::Auth(AuthError::Throttled { .. }) => {
                f.write_str("too many failed logins; retry later")
            }
            AuthFailure::Auth(AuthError::Busy) => {
                f.write_str("too many logins at once; retry shortly")
            }
            AuthFailure::Auth(AuthError::Store(_)) => {
                f.write_str("authentication is unavailable; retry later")
            }
            AuthFailure::NotConfigured => f.write_str("authentication failed on the server"),
        }
    }
}

impl std::error::Error for AuthRejection {}

impl ResponseError for AuthRejection {
    fn status_code(&self) -> StatusCode {
        match &self.failure {
            AuthFailure::MissingCredentials
            | AuthFailure::Malformed(_)
            | AuthFailure::Auth(AuthError::BadCredentials | AuthError::BadStoredHash) => {
                StatusCode::UNAUTHORIZED
            }
            AuthFailure::Auth(AuthError::Throttled { .. }) => StatusCode::TOO_MANY_REQUESTS,
            AuthFailure::DuplicateAuthorization => StatusCode::BAD_REQUEST,
            AuthFailure::Auth(AuthError::Busy | AuthError::Store(_)) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            AuthFailure::NotConfigured => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let mut response = HttpResponse::build(status);
        if status == StatusCode::UNAUTHORIZED {
            // The realm was checked when the authenticator was built, so this always holds.
            if let Some(value) = self
                .challenge
                .as_deref()
                .and_then(|challenge| HeaderValue::from_str(challenge).ok())
            {
                response.insert_header((WWW_AUTHENTICATE, value));
            }
        }
        let mut body = json!({ "error": self.code(), "message": self.to_string() });
        match &self.failure {
            AuthFailure::Auth(AuthError::Busy) => {
                response.insert_header((RETRY_AFTER, HeaderValue::from_static("1")));
            }
            AuthFailure::Auth(AuthError::Throttled { retry_after }) => {
                // Whole seconds, rounded up, at least one.
                let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
                let seconds = seconds.max(1);
                response.insert_header((RETRY_AFTER, seconds));
                body["retry_after"] = seconds.into();
            }
            _ => {}
        }
        json_body(response, body)
    }
}

/// A patch request refused: by its body (media type, size, document) or when applied.
///
/// | rejection | status | body |
/// |---|---|---|
/// | `Content-Type` not JSON or JSON Merge Patch | 415 with `Accept-Patch` | `{"error":"unsupported_media_type",...}` |
/// | body over [`PatchConfig`](super::PatchConfig)'s limit | 413 | `{"error":"payload_too_large","limit":...}` |
/// | body not readable, or not JSON | 400 | `{"error":"malformed_json",...}` |
/// | server-only, unknown, repeated or invalid fields | 422 | [`PatchError`] as JSON |
/// | role-gated fields the sender may not write | 403 | [`ApplyError`] as JSON |
/// | values refused by validators | 422 | [`ApplyError`] as JSON |
///
/// Handlers `?` both error types into it; a refusal of server-only or role-gated fields is
/// logged as a security event (see [`SafePatch::apply_to`](super::SafePatch::apply_to),
/// which adds the user name).
///
/// ```
/// use actix_web::ResponseError;
/// use safe_update::actix::PatchRejection;
/// use safe_update::SafeUpdate;
///
/// #[derive(SafeUpdate)]
/// struct User { #[update(allow)] name: String, #[update(server_only)] is_admin: bool }
///
/// fn parse(body: &[u8]) -> Result<UserPatch, PatchRejection> {
///     Ok(safe_update::from_json(body)?)
/// }
///
/// let rejection = parse(br#"{"is_admin":true}"#).unwrap_err();
/// assert_eq!(rejection.status_code(), 422);
/// assert_eq!(parse(b"{").unwrap_err().status_code(), 400);
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum PatchRejection {
    /// The body's media type is not `application/json` or `application/merge-patch+json`
    /// (with no charset other than UTF-8).
    UnsupportedMediaType,
    /// The body is longer than `limit` bytes.
    TooLarge {
        /// The configured limit, in bytes.
        limit: usize,
    },
    /// The body could not be read (the client broke off, a malformed chunk).
    Unreadable,
    /// The body is not an acceptable patch document.
    Document(PatchError),
    /// The patch may not be applied by its sender.
    Refused(ApplyError),
}

impl PatchRejection {
    /// The machine-readable code of the body's `error` member.
    pub fn code(&self) -> &'static str {
        match self {
            PatchRejection::UnsupportedMediaType => "unsupported_media_type",
            PatchRejection::TooLarge { .. } => "payload_too_large",
            PatchRejection::Unreadable => "unreadable_body",
            PatchRejection::Document(error) => error.code(),
            PatchRejection::Refused(error) => error.code(),
        }
    }
}

impl From<PatchError> for PatchRejection {
    fn from(error: PatchError) -> Self {
        audit::refused_document(None, &error);
        PatchRejection::Document(error)
    }
}

impl From<ApplyError> for PatchRejection {
    fn from(error: ApplyError) -> Self {
        audit::refused_apply(None, &error);
        PatchRejection::Refused(error)
    }
}

impl fmt::Display for PatchRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PatchRejection::UnsupportedMediaType => {
                write!(f, "a patch must be sent as one of: {ACCEPTED_PATCH_TYPES}")
            }
            PatchRejection::TooLarge { limit } => {
                write!(f, "the patch is larger than {limit} bytes")
            }
            PatchRejection::Unreadable => f.write_str("the request body could not be read"),
            PatchRejection::Document(error) => error.fmt(f),
            PatchRejection::Refused(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for PatchRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PatchRejection::Document(error) => Some(error),
            PatchRejection::Refused(error) => Some(error),
            _ => None,
        }
    }
}

impl ResponseError for PatchRejection {
    fn status_code(&self) -> StatusCode {
        match self {
            PatchRejection::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            PatchRejection::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            PatchRejection::Unreadable => StatusCode::BAD_REQUEST,
            PatchRejection::Document(error) if error.malformed().is_some() => {
                StatusCode::BAD_REQUEST
            }
            PatchRejection::Document(_) => StatusCode::UNPROCESSABLE_ENTITY,
            PatchRejection::Refused(error) if !error.denied().is_empty() => StatusCode::FORBIDDEN,
            PatchRejection::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        let message = self.to_string();
        let body = match self {
            PatchRejection::UnsupportedMediaType => {
                response.insert_header((
                    HeaderName::from_static("accept-patch"),
                    HeaderValue::from_static(ACCEPTED_PATCH_TYPES),
                ));
                json!({ "error": self.code(), "message": message,
                        "accepted": ["application/merge-patch+json", "application/json"] })
            }
            PatchRejection::TooLarge { limit } => {
                json!({ "error": self.code(), "message": message, "limit": limit })
            }
            PatchRejection::Unreadable => json!({ "error": self.code(), "message": message }),
            PatchRejection::Document(error) => return json_body(response, error),
            PatchRejection::Refused(error) => return json_body(response, error),
        };
        json_body(response, body)
    }
}

impl ResponseError for MissingRole {
    fn status_code(&self) -> StatusCode {
        StatusCode::FORBIDDEN
    }

    fn error_response(&self) -> HttpResponse {
        json_body(
            HttpResponse::build(StatusCode::FORBIDDEN),
            json!({ "error": "role_required", "message": self.to_string(), "roles": [self.role()] }),
        )
    }
}

// `HttpResponseBuilder::json` answers a serialization failure with a 500 instead of panicking.
fn json_body(mut response: HttpResponseBuilder, body: impl Serialize) -> HttpResponse {
    response.json(body)
}
