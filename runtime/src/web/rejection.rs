//! Every refusal of the adapters, each kind declared once: its status, code, title, detail,
//! members and headers, in one `problem` method per kind (for a refused document or patch,
//! read from the row of its [`ProblemKind`](crate::ProblemKind)). The adapters only render it.

use std::fmt;

use super::{audit, Problem};
use crate::auth::{AuthError, CredentialsError, MissingRole};
use crate::kind::{DENIED, INVALID, KEY_LISTS, REFUSED};
#[cfg(feature = "json-patch")]
use crate::JsonPatchError;
use crate::{ApplyError, PatchError};

/// A request refused before it reached the handler because it is not authenticated.
///
/// | failure | status | code |
/// |---|---|---|
/// | no `Authorization` header | 401 with `WWW-Authenticate: Basic realm="...", charset="UTF-8"` | `missing_credentials` |
/// | malformed credentials | 401 with the challenge | `malformed_credentials` |
/// | unknown user, wrong password, unusable stored hash | 401 with the challenge | `invalid_credentials` |
/// | the login limiter refused the check | 429 with `Retry-After` (and `retry_after`) | `too_many_attempts` |
/// | two `Authorization` headers | 400 | `duplicate_authorization` |
/// | no argon2 slot came free in time, or the queue for one is full | 503 with `Retry-After: 1` | `authentication_busy` |
/// | the user store failed, or the login counters are unavailable | 503 | `authentication_unavailable` |
/// | no [`Authenticator`](crate::auth::Authenticator) configured | 500 | `authentication_error` |
///
/// The answer is a [`Problem`] and never says whether the user exists.
///
/// ```
/// use safe_update::web::{AuthFailure, AuthRejection};
///
/// let rejection = AuthRejection::new(AuthFailure::MissingCredentials, Some(r#"Basic realm="api""#));
/// let problem = rejection.problem();
/// assert_eq!((problem.status(), problem.code()), (401, "missing_credentials"));
/// assert_eq!(problem.headers(), [("www-authenticate", r#"Basic realm="api""#.to_owned())]);
/// ```
#[derive(Debug, Clone)]
pub struct AuthRejection {
    failure: AuthFailure,
    challenge: Option<String>,
}

/// Why a request is not authenticated: the reason inside an [`AuthRejection`].
///
/// ```
/// use safe_update::auth::AuthError;
/// use safe_update::web::{AuthFailure, AuthRejection};
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
    /// The authenticator refused or could not verify the credentials (401, 429, 503).
    Auth(AuthError),
    /// No [`Authenticator`](crate::auth::Authenticator) is configured (500).
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

    /// The answer: the table above.
    pub fn problem(&self) -> Problem {
        let challenged = |problem: Problem| match &self.challenge {
            Some(challenge) => problem.with_header("www-authenticate", challenge.clone()),
            None => problem,
        };
        // What the client reads: nothing about the store or the server's configuration.
        match &self.failure {
            AuthFailure::MissingCredentials => challenged(Problem::new(
                401,
                "missing_credentials",
                "Authentication required",
                "send Basic credentials in the Authorization header",
            )),
            AuthFailure::Malformed(error) => challenged(Problem::new(
                401,
                "malformed_credentials",
                "Malformed credentials",
                error.to_string(),
            )),
            // An unusable stored hash is the operator's fault, logged as such; the client hears
            // exactly what a wrong password gets.
            AuthFailure::Auth(AuthError::BadCredentials | AuthError::BadStoredHash) => {
                challenged(Problem::new(
                    401,
                    "invalid_credentials",
                    "Invalid credentials",
                    "unknown user or wrong password",
                ))
            }
            AuthFailure::DuplicateAuthorization => Problem::new(
                400,
                "duplicate_authorization",
                "More than one Authorization header",
                "send one Authorization header",
            ),
            AuthFailure::Auth(AuthError::Throttled { retry_after }) => {
                // Whole seconds, rounded up, at least one.
                let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
                let seconds = seconds.max(1);
                Problem::new(
                    429,
                    "too_many_attempts",
                    "Too many failed logins",
                    "too many failed logins; retry later",
                )
                .with("retry_after", seconds)
                .with_header("retry-after", seconds.to_string())
            }
            AuthFailure::Auth(AuthError::Busy) => Problem::new(
                503,
                "authentication_busy",
                "Too many password checks at once",
                "too many password checks and hashes at once; retry shortly",
            )
            .with_header("retry-after", "1"),
            AuthFailure::Auth(AuthError::Store(_)) => Problem::new(
                503,
                "authentication_unavailable",
                "Authentication unavailable",
                "authentication is unavailable; retry later",
            ),
            // Refused before argon2 ran: a check the limiter cannot count does not run.
            AuthFailure::Auth(AuthError::Limiter(_)) => Problem::new(
                503,
                "authentication_unavailable",
                "Authentication unavailable",
                "the login counters are unavailable; retry later",
            ),
            AuthFailure::NotConfigured => Problem::new(
                500,
                "authentication_error",
                "Authentication failed on the server",
                "authentication failed on the server",
            ),
        }
    }
}

impl fmt::Display for AuthRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.problem().detail())
    }
}

impl std::error::Error for AuthRejection {}

impl MissingRole {
    /// The answer: 403 `role_required`, with the role under `roles`.
    pub fn problem(&self) -> Problem {
        Problem::new(403, "role_required", "Role required", self.to_string())
            .with("roles", [self.role()])
    }
}

/// The media types a patch body may have, as sent in `Accept-Patch` (RFC 5789).
pub const JSON_PATCH_TYPES: &[&str] = &["application/merge-patch+json", "application/json"];

/// The same, on a route that accepts forms too ([`PatchConfig::accept_form`](super::PatchConfig::accept_form)).
pub const JSON_AND_FORM_PATCH_TYPES: &[&str] = &[
    "application/merge-patch+json",
    "application/json",
    "application/x-www-form-urlencoded",
];

/// The media types of a route that also takes JSON Patch (`PatchConfig::accept_json_patch`),
/// as `Accept-Patch` lists them.
pub const WITH_JSON_PATCH_TYPES: &[&str] = &[
    "application/merge-patch+json",
    "application/json",
    "application/json-patch+json",
];

/// The media types of a route that takes JSON Patch and forms too.
pub const WITH_JSON_PATCH_AND_FORM_TYPES: &[&str] = &[
    "application/merge-patch+json",
    "application/json",
    "application/json-patch+json",
    "application/x-www-form-urlencoded",
];

/// A patch request refused: by its body (media type, size, document) or when applied.
///
/// | rejection | status | code | members |
/// |---|---|---|---|
/// | `Content-Type` not accepted | 415 with `Accept-Patch` | `unsupported_media_type` | `accepted` |
/// | body over [`PatchConfig`](super::PatchConfig)'s limit | 413 | `payload_too_large` | `limit` |
/// | body not readable | 400 | `unreadable_body` | |
/// | body not JSON | 400 | `malformed_json` | |
/// | server-only, unknown, repeated, missing (a create input's) or invalid fields | 422 | `forbidden_fields`, `unknown_fields`, `duplicate_fields`, `missing_fields`, `invalid_fields` | `forbidden`, `unknown`, `duplicate`, `missing`, `invalid` |
/// | role-gated fields the sender may not write | 403 | `role_required` | `denied`, `invalid` |
/// | values refused by validators | 422 | `invalid_fields` | `denied`, `invalid` |
/// | JSON Patch: not an array of operations, unknown `op`, missing member, bad pointer | 400 | `malformed_json_patch` | `operation` (its index, or `null`) |
/// | JSON Patch: more operations than [`PatchConfig`](super::PatchConfig) allows | 422 | `too_many_operations` | `limit` |
/// | JSON Patch: operations refused before the model is read | 422 | `operations_refused` | `operations` (`index`, `op`, `member`, `pointer`, `problem`, `detail` each) |
/// | JSON Patch: the first operation that fails on the stored model | 409 | `operation_failed` | `operation` (as one of `operations`) |
///
/// A JSON Patch whose net change is refused answers as the same change sent as a merge patch
/// (422 `invalid_fields`, 403 `role_required` or `not_permitted`).
///
/// The status, code and title of a refused document or patch are those of its
/// [`ProblemKind`](crate::ProblemKind), and so are the names of its members.
///
/// Handlers `?` both error types into it; a refusal of server-only or role-gated fields is
/// logged as a security event (with the user name when the adapter knows it).
///
/// ```
/// use safe_update::web::PatchRejection;
/// use safe_update::SafeUpdate;
///
/// #[derive(SafeUpdate)]
/// struct User { #[update(allow)] name: String, #[update(server_only)] is_admin: bool }
///
/// fn parse(body: &[u8]) -> Result<UserPatch, PatchRejection> {
///     Ok(safe_update::from_json(body)?)
/// }
///
/// let problem = parse(br#"{"is_admin":true}"#).unwrap_err().problem();
/// assert_eq!((problem.status(), problem.code()), (422, "forbidden_fields"));
/// assert_eq!(problem.member("forbidden"), Some(&serde_json::json!(["is_admin"])));
/// assert_eq!(parse(b"{").unwrap_err().problem().status(), 400);
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum PatchRejection {
    /// The body's media type is not one of `accepted` (or names a charset other than UTF-8).
    UnsupportedMediaType {
        /// The media types the route accepts.
        accepted: &'static [&'static str],
    },
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
    /// A JSON Patch document refused for itself: malformed, too many operations, operations
    /// refused before the model was read, or the first that failed on it. (Its net change,
    /// checked as a merge patch, is refused as [`Document`](Self::Document) or
    /// [`Refused`](Self::Refused).)
    #[cfg(feature = "json-patch")]
    #[cfg_attr(docsrs, doc(cfg(feature = "json-patch")))]
    JsonPatch(JsonPatchError),
}

impl PatchRejection {
    /// The machine-readable code.
    pub fn code(&self) -> &'static str {
        self.problem().code()
    }

    /// The answer: the table above.
    pub fn problem(&self) -> Problem {
        match self {
            PatchRejection::UnsupportedMediaType { accepted } => Problem::new(
                415,
                "unsupported_media_type",
                "Unsupported media type",
                format!("a patch must be sent as one of: {}", accepted.join(", ")),
            )
            .with("accepted", accepted)
            .with_header("accept-patch", accepted.join(", ")),
            PatchRejection::TooLarge { limit } => Problem::new(
                413,
                "payload_too_large",
                "Payload too large",
                format!("the patch is larger than {limit} bytes"),
            )
            .with("limit", limit)
            // The rest of the body is never read, so the connection cannot carry another
            // request: said, so that a client does not send its next one into a closing socket.
            .with_header("connection", "close"),
            PatchRejection::Unreadable => Problem::new(
                400,
                "unreadable_body",
                "Unreadable body",
                "the request body could not be read",
            ),
            PatchRejection::Document(error) => {
                let kind = error.kind();
                match error.malformed() {
                    Some(reason) => Problem::of(kind, reason),
                    None => {
                        let problem = KEY_LISTS
                            .iter()
                            .fold(Problem::of(kind, error.to_string()), |problem, list| {
                                problem.with(list.member, error.keys(list.kind))
                            });
                        problem.with(INVALID, error.invalid())
                    }
                }
            }
            PatchRejection::Refused(error) => refused_problem(error),
            #[cfg(feature = "json-patch")]
            PatchRejection::JsonPatch(error) => json_patch_problem(error),
        }
    }

    /// A refused document, logged as a security event for `user` when it names server-only
    /// fields: what the adapters call, so that the log is written in one place.
    /// A refused JSON Patch document, logged as a security event when it names protected
    /// fields (a forbidden pointer, a refused net change).
    #[cfg(feature = "json-patch")]
    pub(crate) fn json_patch(error: JsonPatchError, user: Option<&str>) -> Self {
        match error {
            JsonPatchError::Document(error) => Self::document(error, user),
            JsonPatchError::Refused(error) => Self::refused(error, user),
            error => {
                audit::refused_operations(user, &error);
                PatchRejection::JsonPatch(error)
            }
        }
    }

    pub(crate) fn document(error: PatchError, user: Option<&str>) -> Self {
        audit::refused_document(user, &error);
        PatchRejection::Document(error)
    }

    /// A refused apply or build, logged as a security event for `user` when it names
    /// role-gated fields: for a handler that applies or builds itself (as
    /// [`SafePatch::apply_to`](super::SafePatch::apply_to) does).
    pub fn refused(error: ApplyError, user: Option<&str>) -> Self {
        audit::refused_apply(user, &error);
        PatchRejection::Refused(error)
    }
}

impl From<PatchError> for PatchRejection {
    fn from(error: PatchError) -> Self {
        PatchRejection::document(error, None)
    }
}

#[cfg(feature = "json-patch")]
impl From<JsonPatchError> for PatchRejection {
    fn from(error: JsonPatchError) -> Self {
        PatchRejection::json_patch(error, None)
    }
}

impl From<ApplyError> for PatchRejection {
    fn from(error: ApplyError) -> Self {
        PatchRejection::refused(error, None)
    }
}

impl fmt::Display for PatchRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.problem().detail())
    }
}

impl std::error::Error for PatchRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PatchRejection::Document(error) => Some(error),
            PatchRejection::Refused(error) => Some(error),
            #[cfg(feature = "json-patch")]
            PatchRejection::JsonPatch(error) => Some(error),
            _ => None,
        }
    }
}

/// The problem of a patch its rules or validators refused.
fn refused_problem(error: &ApplyError) -> Problem {
    Problem::of(error.kind(), error.to_string())
        .with(DENIED, error.denied())
        .with(REFUSED, error.invalid())
}

/// The problem of a refused JSON Patch document: the row of its kind, with the operation (or
/// every operation) it refuses.
#[cfg(feature = "json-patch")]
fn json_patch_problem(error: &JsonPatchError) -> Problem {
    let problem = Problem::of(error.kind(), error.to_string());
    match error {
        JsonPatchError::Malformed { operation, .. } => problem.with("operation", operation),
        JsonPatchError::TooManyOperations { limit } => problem.with("limit", limit),
        JsonPatchError::Operations(refusals) => problem.with("operations", refusals),
        JsonPatchError::Failed(refusal) => problem.with("operation", refusal),
        // What failed is the server's, not the client's to read.
        JsonPatchError::View(_) => Problem::of(error.kind(), "the stored model could not be read"),
        JsonPatchError::Document(error) => PatchRejection::Document(error.clone()).problem(),
        JsonPatchError::Refused(error) => refused_problem(error),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::{json, Value};

    use super::*;
    use crate::error::Problems;
    use crate::ProblemKind;

    fn answer(rejection: PatchRejection) -> Value {
        serde_json::to_value(rejection.problem()).unwrap()
    }

    /// The document of a refused document whose lists are `lists` (the members it always has).
    fn refused_document(kind: &str, status: u16, title: &str, detail: &str, lists: Value) -> Value {
        let mut document = json!({
            "type": format!("tag:safe-update,2026:problem/{kind}"),
            "title": title,
            "status": status,
            "detail": detail,
            "code": kind,
            "forbidden": [],
            "unknown": [],
            "duplicate": [],
            "missing": [],
            "invalid": {},
        });
        for (member, value) in lists.as_object().unwrap() {
            document[member] = value.clone();
        }
        document
    }

    fn invalid(field: &str, reason: &str) -> BTreeMap<String, String> {
        BTreeMap::from([(field.to_owned(), reason.to_owned())])
    }

    /// Each kind of a refused document answers with its own status, code and title, and with
    /// every list whatever its kind; a syntax error with itself alone.
    #[test]
    fn each_kind_of_document_answers_with_its_row() {
        let keys = |keys: &[&str]| keys.iter().map(|key| key.to_string()).collect::<Vec<_>>();
        let cases = [
            (
                Problems {
                    forbidden: keys(&["id"]),
                    unknown: keys(&["x"]),
                    ..Problems::default()
                },
                ProblemKind::Forbidden,
                refused_document(
                    "forbidden_fields",
                    422,
                    "Server-only fields in the document",
                    "forbidden (server-only) fields: `id`; unknown fields: `x`",
                    json!({"forbidden": ["id"], "unknown": ["x"]}),
                ),
            ),
            (
                Problems {
                    unknown: keys(&["x", "y"]),
                    invalid: invalid("age", "no"),
                    ..Problems::default()
                },
                ProblemKind::Unknown,
                refused_document(
                    "unknown_fields",
                    422,
                    "Unknown fields in the document",
                    "unknown fields: `x`, `y`; invalid field `age`: no",
                    json!({"unknown": ["x", "y"], "invalid": {"age": "no"}}),
                ),
            ),
            (
                Problems {
                    duplicate: keys(&["name"]),
                    missing: keys(&["age"]),
                    ..Problems::default()
                },
                ProblemKind::Duplicate,
                refused_document(
                    "duplicate_fields",
                    422,
                    "Repeated fields in the document",
                    "duplicate fields: `name`; missing (required) fields: `age`",
                    json!({"duplicate": ["name"], "missing": ["age"]}),
                ),
            ),
            (
                Problems {
                    missing: keys(&["age"]),
                    ..Problems::default()
                },
                ProblemKind::Missing,
                refused_document(
                    "missing_fields",
                    422,
                    "Required fields missing from the document",
                    "missing (required) fields: `age`",
                    json!({"missing": ["age"]}),
                ),
            ),
            (
                Problems {
                    invalid: invalid("", "not an object"),
                    ..Problems::default()
                },
                ProblemKind::Invalid,
                refused_document(
                    "invalid_fields",
                    422,
                    "Invalid values in the document",
                    "invalid document: not an object",
                    json!({"invalid": {"": "not an object"}}),
                ),
            ),
            (
                Problems {
                    malformed: Some("EOF".to_owned()),
                    forbidden: keys(&["id"]),
                    ..Problems::default()
                },
                ProblemKind::Malformed,
                json!({
                    "type": "tag:safe-update,2026:problem/malformed_json",
                    "title": "Malformed JSON",
                    "status": 400,
                    "detail": "EOF",
                    "code": "malformed_json",
                }),
            ),
        ];
        for (problems, kind, expected) in cases {
            let error = PatchError(Box::new(problems));
            assert_eq!(error.kind(), kind, "{error:?}");
            assert_eq!(answer(PatchRejection::Document(error)), expected);
        }
    }

    /// A patch refused when applied: 403 when a gated field is denied, else 422, with both lists.
    #[test]
    fn each_kind_of_refused_patch_answers_with_its_row() {
        let mut refused = ApplyError::default();
        refused.__invalid("age".to_owned(), "too old".to_owned());
        assert_eq!(refused.kind(), ProblemKind::Refused);
        assert_eq!(
            answer(PatchRejection::Refused(refused.clone())),
            json!({
                "type": "tag:safe-update,2026:problem/invalid_fields",
                "title": "Invalid values",
                "status": 422,
                "detail": "invalid field `age`: too old",
                "code": "invalid_fields",
                "denied": [],
                "invalid": {"age": "too old"},
            })
        );
        refused.__deny("isAdmin".to_owned(), &["admin", "owner"]);
        assert_eq!(refused.kind(), ProblemKind::Denied);
        assert_eq!(
            answer(PatchRejection::Refused(refused)),
            json!({
                "type": "tag:safe-update,2026:problem/role_required",
                "title": "Role required for fields",
                "status": 403,
                "detail": "field `isAdmin` requires role \"admin\" or \"owner\"; invalid field `age`: too old",
                "code": "role_required",
                "denied": [{"field": "isAdmin", "roles": ["admin", "owner"]}],
                "invalid": {"age": "too old"},
            })
        );
    }
}
