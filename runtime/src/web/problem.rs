//! Problem Details for HTTP APIs (RFC 9457): the one format of every refusal.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use crate::ProblemKind;

/// The media type of a problem document.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Where the problem types of this crate live: `type` is this followed by the code, a `tag:`
/// URI (RFC 4151) that names the problem without pretending to be a page to fetch.
pub const PROBLEM_TYPE_BASE: &str = "tag:safe-update,2026:problem/";

/// A refusal as RFC 9457 describes it: `type`, `title`, `status`, `detail`, the stable
/// machine-readable `code`, and extension members for what the client needs to fix the
/// request (`forbidden`, `unknown`, `duplicate`, `invalid`, `denied`, `roles`, `limit`,
/// `retry_after`, `version`...), with the headers the status calls for.
///
/// Every rejection of the adapters becomes one (see their `problem` methods); an application
/// builds its own the same way, so that a client meets one format.
///
/// ```
/// use safe_update::web::Problem;
///
/// let problem = Problem::new(412, "precondition_failed", "Precondition failed", "the profile changed")
///     .with("version", 7)
///     .with_header("etag", "\"v7\"");
/// assert_eq!(
///     serde_json::to_value(&problem).unwrap(),
///     serde_json::json!({
///         "type": "tag:safe-update,2026:problem/precondition_failed",
///         "title": "Precondition failed",
///         "status": 412,
///         "detail": "the profile changed",
///         "code": "precondition_failed",
///         "version": 7,
///     })
/// );
/// assert_eq!(problem.headers(), [("etag", "\"v7\"".to_owned())]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    status: u16,
    code: &'static str,
    title: &'static str,
    detail: String,
    members: Map<String, Value>,
    headers: Vec<(&'static str, String)>,
}

impl Problem {
    /// A problem with its status, stable code, title (the same for every occurrence of the
    /// code) and detail (this occurrence).
    pub fn new(
        status: u16,
        code: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Problem {
            status,
            code,
            title,
            detail: detail.into(),
            members: Map::new(),
            headers: Vec::new(),
        }
    }

    /// A problem of `kind`, with its status, code and title.
    pub(crate) fn of(kind: ProblemKind, detail: impl Into<String>) -> Self {
        Problem::new(kind.status(), kind.code(), kind.title(), detail)
    }

    /// The problem with an extension member.
    pub fn with(mut self, member: &str, value: impl Serialize) -> Self {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        self.members.insert(member.to_owned(), value);
        self
    }

    /// The problem with a response header (lower-case name).
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The stable machine-readable code (the `code` member, and the end of `type`).
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The `type` URI.
    pub fn type_uri(&self) -> String {
        format!("{PROBLEM_TYPE_BASE}{}", self.code)
    }

    /// The title.
    pub fn title(&self) -> &'static str {
        self.title
    }

    /// The detail.
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// An extension member.
    pub fn member(&self, name: &str) -> Option<&Value> {
        self.members.get(name)
    }

    /// The headers to send with it.
    pub fn headers(&self) -> &[(&'static str, String)] {
        &self.headers
    }

    /// The document as JSON bytes.
    pub fn to_json(&self) -> Vec<u8> {
        // Only strings, numbers and `Value`s: serializing cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }
}

impl Serialize for Problem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(5 + self.members.len()))?;
        map.serialize_entry("type", &self.type_uri())?;
        map.serialize_entry("title", self.title)?;
        map.serialize_entry("status", &self.status)?;
        map.serialize_entry("detail", &self.detail)?;
        map.serialize_entry("code", self.code)?;
        for (name, value) in &self.members {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}
