//! Why a patch was refused: as data a web layer can answer with, and as a message.

use std::collections::BTreeMap;
use std::fmt;

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::kind::{ProblemKind, DENIED, INVALID, KEY_LISTS, REFUSED};

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

impl Problems {
    /// The keys listed under `kind`: one of [`KEY_LISTS`].
    fn keys(&self, kind: ProblemKind) -> &[String] {
        match kind {
            ProblemKind::Forbidden => &self.forbidden,
            ProblemKind::Unknown => &self.unknown,
            ProblemKind::Duplicate => &self.duplicate,
            ProblemKind::Missing => &self.missing,
            _ => &[],
        }
    }
}

impl fmt::Debug for PatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("PatchError");
        debug.field("malformed", &self.0.malformed);
        for list in &KEY_LISTS {
            debug.field(list.member, &self.0.keys(list.kind));
        }
        debug.field(INVALID, &self.0.invalid).finish()
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

    /// The kind of the most serious problem: [`Malformed`](ProblemKind::Malformed), else the
    /// first key list that is not empty ([`Forbidden`](ProblemKind::Forbidden),
    /// [`Unknown`](ProblemKind::Unknown), [`Duplicate`](ProblemKind::Duplicate),
    /// [`Missing`](ProblemKind::Missing)), else [`Invalid`](ProblemKind::Invalid).
    pub fn kind(&self) -> ProblemKind {
        if self.0.malformed.is_some() {
            return ProblemKind::Malformed;
        }
        KEY_LISTS
            .iter()
            .find(|list| !self.0.keys(list.kind).is_empty())
            .map_or(ProblemKind::Invalid, |list| list.kind)
    }

    /// A stable machine-readable code for the most serious problem (its
    /// [`kind`](PatchError::kind)'s): `malformed_json`, `forbidden_fields`, `unknown_fields`,
    /// `duplicate_fields`, `missing_fields` or `invalid_fields`.
    pub fn code(&self) -> &'static str {
        self.kind().code()
    }

    /// The keys listed under `kind`: one of [`KEY_LISTS`]'s. For the web layer's answer.
    #[cfg(any(feature = "actix", feature = "axum"))]
    pub(crate) fn keys(&self, kind: ProblemKind) -> &[String] {
        self.0.keys(kind)
    }
}

impl fmt::Display for PatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(syntax) = &self.0.malformed {
            return write!(f, "malformed JSON: {syntax}");
        }
        let mut parts = Vec::new();
        for list in &KEY_LISTS {
            let keys = self.0.keys(list.kind);
            if !keys.is_empty() {
                parts.push(format!("{}: {}", list.said, quoted_list(keys)));
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
        for list in &KEY_LISTS {
            body.serialize_field(list.member, self.0.keys(list.kind))?;
        }
        body.serialize_field(INVALID, &self.0.invalid)?;
        body.end()
    }
}

/// A patch that may not be applied: fields the caller may not write (a role it lacks, a
/// condition or value rule that refused), or values the model's validators refuse. The target
/// was left unchanged.
///
/// Serialized: `{"error":"role_required","message":"...","denied":[{"field":"isAdmin","roles":["admin"]}],"invalid":{}}`;
/// a field a condition or value rule refused also lists them under `rules`
/// (`{"field":"title","roles":["admin"],"rules":[{"rule":"is_author","reason":"..."}]}`), and
/// the code is then `not_permitted`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyError {
    pub(crate) denied: Vec<DeniedField>,
    pub(crate) invalid: BTreeMap<String, String>,
}

/// A field present in a patch or create input that no grant of its `allow`s lets the sender
/// write: every grant was tried, and each refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeniedField {
    /// Wire path of the field, such as `isAdmin` or `address.verified`.
    pub field: String,
    /// The roles of the grants that ask for a role only (`allow(role = "...")`), any one of
    /// which would allow the write.
    pub roles: &'static [&'static str],
    /// The grants with conditions or value rules (`allow(when = ...)`, `allow(change = ...)`),
    /// each with the part that refused: empty when only roles refused.
    pub rules: Vec<RuleRefusal>,
}

/// Why one grant with conditions or value rules refused a field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct RuleRefusal {
    /// The part of the grant that refused: the function of a `when` or `change`, as written in
    /// the attribute (`is_author`), or the role the grant asks for (`role = "editor"`).
    pub rule: &'static str,
    /// Why: the text of the rule's `Err`, or a sentence naming the rule when it returned
    /// `false`.
    pub reason: String,
}

impl RuleRefusal {
    #[doc(hidden)]
    pub fn __new(rule: &'static str, reason: String) -> Self {
        RuleRefusal { rule, reason }
    }
}

impl Serialize for DeniedField {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // `rules` only when a rule refused: a refusal by roles alone is answered as before
        // conditions existed.
        let members = if self.rules.is_empty() { 2 } else { 3 };
        let mut body = serializer.serialize_struct("DeniedField", members)?;
        body.serialize_field("field", &self.field)?;
        body.serialize_field("roles", self.roles)?;
        if !self.rules.is_empty() {
            body.serialize_field("rules", &self.rules)?;
        }
        body.end()
    }
}

impl ApplyError {
    /// Fields the caller may not write (HTTP 403): no grant of theirs admits it.
    pub fn denied(&self) -> &[DeniedField] {
        &self.denied
    }

    /// Values refused by a validator, keyed by wire path; the key of a container validator is
    /// the path of its model (`""` at the top level).
    pub fn invalid(&self) -> &BTreeMap<String, String> {
        &self.invalid
    }

    /// [`NotPermitted`](ProblemKind::NotPermitted) when a condition or value rule refused a
    /// field, else [`Denied`](ProblemKind::Denied) when a role did, else
    /// [`Refused`](ProblemKind::Refused).
    pub fn kind(&self) -> ProblemKind {
        if self.denied.iter().any(|denied| !denied.rules.is_empty()) {
            ProblemKind::NotPermitted
        } else if self.denied.is_empty() {
            ProblemKind::Refused
        } else {
            ProblemKind::Denied
        }
    }

    /// `not_permitted` when a condition or value rule refused a field, `role_required` when
    /// only roles did, else `invalid_fields` (its [`kind`](ApplyError::kind)'s code).
    pub fn code(&self) -> &'static str {
        self.kind().code()
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
        self.denied.push(DeniedField {
            field,
            roles,
            rules: Vec::new(),
        });
    }

    #[doc(hidden)]
    pub fn __refuse(
        &mut self,
        field: String,
        roles: &'static [&'static str],
        rules: Vec<RuleRefusal>,
    ) {
        self.denied.push(DeniedField {
            field,
            roles,
            rules,
        });
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
                if denied.rules.is_empty() {
                    return format!(
                        "field `{}` requires role {}",
                        denied.field,
                        roles.join(" or ")
                    );
                }
                // Each grant that refused, in the order the attributes give them, then the
                // roles that would have admitted the write.
                let reasons: Vec<String> = denied
                    .rules
                    .iter()
                    .map(|refusal| format!("{} ({})", refusal.reason, refusal.rule))
                    .collect();
                let roles = if roles.is_empty() {
                    String::new()
                } else {
                    format!("; or it needs the role {}", roles.join(" or "))
                };
                format!(
                    "field `{}` is not permitted: {}{roles}",
                    denied.field,
                    reasons.join("; ")
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
        body.serialize_field(DENIED, &self.denied)?;
        body.serialize_field(REFUSED, &self.invalid)?;
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
