//! Why a patch was refused: as data a web layer can answer with, and as a message.

use std::collections::BTreeMap;
use std::fmt;

use serde::ser::{Serialize, SerializeStruct, Serializer};

/// A client document that is not a valid patch or create input, from
/// [`from_json`](crate::from_json).
///
/// Every forbidden, unknown and repeated key of the document is listed (with its path, such
/// as `address.verified`), every required field a create input lacks under
/// [`missing`](PatchError::missing), and every value of the wrong type under
/// [`invalid`](PatchError::invalid), whatever order they come in: a type error does not hide
/// the keys after it. (The patch type's own `Deserialize` reads the document once: its message
/// lists the same, up to an error inside an array or object value, where it stops and says
/// so; see [Documents](crate#documents).)
///
/// Serialized, it is the body a web layer can answer with:
/// `{"error":"forbidden_fields","message":"...","forbidden":["isAdmin"],"unknown":[],"duplicate":[],"missing":[],"invalid":{}}`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PatchError(pub(crate) Box<Problems>);

/// The lists of a [`PatchError`], boxed: the error is one pointer wide, so that a `Result`
/// carrying it is no larger than its `Ok` value needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Problems {
    pub(crate) malformed: Option<String>,
    pub(crate) forbidden: Vec<String>,
    pub(crate) unknown: Vec<String>,
    pub(crate) duplicate: Vec<String>,
    pub(crate) missing: Vec<String>,
    pub(crate) invalid: BTreeMap<String, String>,
}

impl fmt::Debug for PatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Problems {
            malformed,
            forbidden,
            unknown,
            duplicate,
            missing,
            invalid,
        } = &*self.0;
        f.debug_struct("PatchError")
            .field("malformed", malformed)
            .field("forbidden", forbidden)
            .field("unknown", unknown)
            .field("duplicate", duplicate)
            .field("missing", missing)
            .field("invalid", invalid)
            .finish()
    }
}

impl PatchError {
    /// The syntax error, when the body is not JSON at all (HTTP 400).
    pub fn malformed(&self) -> Option<&str> {
        self.0.malformed.as_deref()
    }

    /// Keys naming server-only fields, by any of their spellings.
    pub fn forbidden(&self) -> &[String] {
        &self.0.forbidden
    }

    /// Keys that name no field of the model.
    pub fn unknown(&self) -> &[String] {
        &self.0.unknown
    }

    /// Keys sent more than once.
    pub fn duplicate(&self) -> &[String] {
        &self.0.duplicate
    }

    /// Required fields of a create input that the document does not send (a patch has
    /// none: every field of a patch may be absent). A field whose value was sent but refused
    /// is listed under [`invalid`](PatchError::invalid), not here.
    pub fn missing(&self) -> &[String] {
        &self.0.missing
    }

    /// Fields whose value is unacceptable (wrong type, `null` for a required field), with the
    /// reason. The key `""` is the document itself (for example an array instead of an object).
    pub fn invalid(&self) -> &BTreeMap<String, String> {
        &self.0.invalid
    }

    /// A stable machine-readable code for the most serious problem: `malformed_json`,
    /// `forbidden_fields`, `unknown_fields`, `duplicate_fields`, `missing_fields` or
    /// `invalid_fields`.
    pub fn code(&self) -> &'static str {
        if self.0.malformed.is_some() {
            "malformed_json"
        } else if !self.0.forbidden.is_empty() {
            "forbidden_fields"
        } else if !self.0.unknown.is_empty() {
            "unknown_fields"
        } else if !self.0.duplicate.is_empty() {
            "duplicate_fields"
        } else if !self.0.missing.is_empty() {
            "missing_fields"
        } else {
            "invalid_fields"
        }
    }
}

impl fmt::Display for PatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(syntax) = &self.0.malformed {
            return write!(f, "malformed JSON: {syntax}");
        }
        let mut parts = Vec::new();
        for (what, keys) in [
            ("forbidden (server-only)", &self.0.forbidden),
            ("unknown", &self.0.unknown),
            ("duplicate", &self.0.duplicate),
            ("missing (required)", &self.0.missing),
        ] {
            if !keys.is_empty() {
                parts.push(format!("{what} fields: {}", quoted_list(keys)));
            }
        }
        for (field, reason) in &self.0.invalid {
            parts.push(invalid_part(field, reason));
        }
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for PatchError {}

impl Serialize for PatchError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut body = serializer.serialize_struct("PatchError", 7)?;
        body.serialize_field("error", self.code())?;
        body.serialize_field("message", &self.to_string())?;
        body.serialize_field("forbidden", &self.0.forbidden)?;
        body.serialize_field("unknown", &self.0.unknown)?;
        body.serialize_field("duplicate", &self.0.duplicate)?;
        body.serialize_field("missing", &self.0.missing)?;
        body.serialize_field("invalid", &self.0.invalid)?;
        body.end()
    }
}

/// A patch that may not be applied: role-gated fields the caller may not write, or values the
/// model's validators refuse. The target was left unchanged.
///
/// Serialized: `{"error":"role_required","message":"...","denied":[{"field":"isAdmin","roles":["admin"]}],"invalid":{}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyError {
    pub(crate) denied: Vec<DeniedField>,
    pub(crate) invalid: BTreeMap<String, String>,
}

/// A role-gated field present in a patch whose sender holds none of its roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeniedField {
    /// Wire path of the field, such as `isAdmin` or `address.verified`.
    pub field: String,
    /// The roles, any one of which would allow the write.
    pub roles: &'static [&'static str],
}

impl Serialize for DeniedField {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut body = serializer.serialize_struct("DeniedField", 2)?;
        body.serialize_field("field", &self.field)?;
        body.serialize_field("roles", self.roles)?;
        body.end()
    }
}

impl ApplyError {
    /// Gated fields the caller may not write (HTTP 403).
    pub fn denied(&self) -> &[DeniedField] {
        &self.denied
    }

    /// Values refused by a validator, keyed by wire path; the key of a container validator is
    /// the path of its model (`""` at the top level).
    pub fn invalid(&self) -> &BTreeMap<String, String> {
        &self.invalid
    }

    /// `role_required` when a gated field was denied, else `invalid_fields`.
    pub fn code(&self) -> &'static str {
        if self.denied.is_empty() {
            "invalid_fields"
        } else {
            "role_required"
        }
    }

    /// Adds the problems of `other`: for a handler that builds two inputs of one document
    /// (a create input and its [`WithExtra`](crate::WithExtra) inputs) and answers with every
    /// problem of both.
    pub fn merge(&mut self, other: ApplyError) {
        self.denied.extend(other.denied);
        for (field, reason) in other.invalid {
            self.invalid.entry(field).or_insert(reason);
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.denied.is_empty() && self.invalid.is_empty()
    }

    #[doc(hidden)]
    pub fn __deny(&mut self, field: String, roles: &'static [&'static str]) {
        self.denied.push(DeniedField { field, roles });
    }

    #[doc(hidden)]
    pub fn __invalid(&mut self, field: String, reason: String) {
        self.invalid.entry(field).or_insert(reason);
    }
}

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = self
            .denied
            .iter()
            .map(|denied| {
                let roles: Vec<String> = denied
                    .roles
                    .iter()
                    .map(|role| format!("{role:?}"))
                    .collect();
                format!(
                    "field `{}` requires role {}",
                    denied.field,
                    roles.join(" or ")
                )
            })
            .collect();
        for (field, reason) in &self.invalid {
            parts.push(invalid_part(field, reason));
        }
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for ApplyError {}

impl Serialize for ApplyError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut body = serializer.serialize_struct("ApplyError", 4)?;
        body.serialize_field("error", self.code())?;
        body.serialize_field("message", &self.to_string())?;
        body.serialize_field("denied", &self.denied)?;
        body.serialize_field("invalid", &self.invalid)?;
        body.end()
    }
}

fn quoted_list<I>(items: I) -> String
where
    I: IntoIterator,
    I::Item: fmt::Display,
{
    items
        .into_iter()
        .map(|item| format!("`{item}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn invalid_part(field: &str, reason: &str) -> String {
    if field.is_empty() {
        format!("invalid document: {reason}")
    } else {
        format!("invalid field `{field}`: {reason}")
    }
}
