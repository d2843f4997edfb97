//! The kinds of problem a refused document or patch can have, declared once: everything said
//! about a kind (its code, status, title, the member that lists it, the words of the message
//! and of the security log) is one row of [`ProblemKind::row`], which the errors, their
//! serialized form, the web layer's answers and its log all read.

/// What is wrong with a refused document ([`PatchError`](crate::PatchError)) or patch
/// ([`ApplyError`](crate::ApplyError)): what its `code` names and its problem document
/// answers with.
///
/// | kind | code | status | title | member |
/// |---|---|---|---|---|
/// | [`Malformed`](Self::Malformed) | `malformed_json` | 400 | Malformed JSON | |
/// | [`Forbidden`](Self::Forbidden) | `forbidden_fields` | 422 | Server-only fields in the document | `forbidden` |
/// | [`Unknown`](Self::Unknown) | `unknown_fields` | 422 | Unknown fields in the document | `unknown` |
/// | [`Duplicate`](Self::Duplicate) | `duplicate_fields` | 422 | Repeated fields in the document | `duplicate` |
/// | [`Missing`](Self::Missing) | `missing_fields` | 422 | Required fields missing from the document | `missing` |
/// | [`Invalid`](Self::Invalid) | `invalid_fields` | 422 | Invalid values in the document | `invalid` |
/// | [`NotPermitted`](Self::NotPermitted) | `not_permitted` | 403 | Fields not permitted | `denied` |
/// | [`Denied`](Self::Denied) | `role_required` | 403 | Role required for fields | `denied` |
/// | [`Refused`](Self::Refused) | `invalid_fields` | 422 | Invalid values | `invalid` |
/// | [`MalformedPatch`](Self::MalformedPatch) | `malformed_json_patch` | 400 | Malformed JSON Patch | `operation` |
/// | [`TooManyOperations`](Self::TooManyOperations) | `too_many_operations` | 422 | Too many operations | `limit` |
/// | [`OperationsRefused`](Self::OperationsRefused) | `operations_refused` | 422 | Operations refused | `operations` |
/// | [`OperationFailed`](Self::OperationFailed) | `operation_failed` | 409 | Operation failed | `operation` |
/// | [`ViewFailed`](Self::ViewFailed) | `view_failed` | 500 | The stored model could not be read | |
///
/// An error has every problem it found, and is of the kind of the most serious: the first of
/// the table that it has. The last five are a JSON Patch's (`JsonPatchError`, feature
/// `json-patch`), whose net change, checked as a merge patch, is refused with the kinds above.
///
/// ```
/// use safe_update::{from_json, ProblemKind, SafeUpdate};
///
/// #[derive(SafeUpdate)]
/// struct User { #[update(allow)] name: String, #[update(server_only)] is_admin: bool }
///
/// let error = from_json::<UserPatch>(br#"{"is_admin":true,"role":"root"}"#).unwrap_err();
/// assert_eq!(error.kind(), ProblemKind::Forbidden);
/// assert_eq!(error.kind().code(), "forbidden_fields");
/// assert_eq!(error.kind().member(), Some("forbidden"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProblemKind {
    /// The body is not JSON at all: a syntax error, or not UTF-8
    /// ([`PatchError::malformed`](crate::PatchError::malformed)).
    Malformed,
    /// Keys naming server-only fields ([`PatchError::forbidden`](crate::PatchError::forbidden)).
    Forbidden,
    /// Keys that name no field ([`PatchError::unknown`](crate::PatchError::unknown)).
    Unknown,
    /// Keys sent more than once ([`PatchError::duplicate`](crate::PatchError::duplicate)).
    Duplicate,
    /// Required fields a create input lacks ([`PatchError::missing`](crate::PatchError::missing)).
    Missing,
    /// Values the document may not hold: a wrong type, `null` for a required field
    /// ([`PatchError::invalid`](crate::PatchError::invalid)).
    Invalid,
    /// Fields the sender may not write, at least one of them refused by a condition or a value
    /// rule ([`ApplyError::denied`](crate::ApplyError::denied), each with its `rules`); the
    /// fields refused by roles alone are listed beside them.
    NotPermitted,
    /// Role-gated fields the sender may not write, refused by roles alone
    /// ([`ApplyError::denied`](crate::ApplyError::denied)).
    Denied,
    /// Values the model's validators refuse ([`ApplyError::invalid`](crate::ApplyError::invalid)):
    /// the code of [`Invalid`](Self::Invalid), since a client fixes both alike.
    Refused,
    /// Not a JSON Patch document: not an array of operation objects, an unknown `op`, a
    /// missing member, a pointer that is no JSON Pointer (feature `json-patch`).
    MalformedPatch,
    /// A JSON Patch with more operations than the limit.
    TooManyOperations,
    /// JSON Patch operations refused before the stored model is read, each listed with its
    /// index and pointer.
    OperationsRefused,
    /// The first JSON Patch operation that could not be applied to the stored model as the
    /// sender may read it (RFC 6902 section 5: 409).
    OperationFailed,
    /// The stored model could not be serialized as the sender's view.
    ViewFailed,
}

/// Everything said about one kind.
struct Row {
    code: &'static str,
    status: u16,
    title: &'static str,
    /// The member of the problem document (and of the serialized error, and the field of its
    /// `Debug`) that lists the keys or fields of this kind.
    member: Option<&'static str>,
    /// How the error's message introduces the keys of this kind, for a kind whose keys it
    /// lists together: ``forbidden (server-only) fields: `id`, `role` ``. (It speaks of each
    /// invalid or denied field on its own.)
    said: Option<&'static str>,
    /// The message of the security event a refusal of this kind is logged as (by the web
    /// layer, hence unread without it).
    #[cfg_attr(not(any(feature = "actix", feature = "axum")), allow(dead_code))]
    logged: Option<&'static str>,
}

impl ProblemKind {
    /// The table.
    const fn row(self) -> Row {
        match self {
            ProblemKind::Malformed => Row {
                code: "malformed_json",
                status: 400,
                title: "Malformed JSON",
                member: None,
                said: None,
                logged: None,
            },
            ProblemKind::Forbidden => Row {
                code: "forbidden_fields",
                status: 422,
                title: "Server-only fields in the document",
                member: Some("forbidden"),
                said: Some("forbidden (server-only) fields"),
                logged: Some("patch refused: server-only fields"),
            },
            ProblemKind::Unknown => Row {
                code: "unknown_fields",
                status: 422,
                title: "Unknown fields in the document",
                member: Some("unknown"),
                said: Some("unknown fields"),
                logged: None,
            },
            ProblemKind::Duplicate => Row {
                code: "duplicate_fields",
                status: 422,
                title: "Repeated fields in the document",
                member: Some("duplicate"),
                said: Some("duplicate fields"),
                logged: None,
            },
            ProblemKind::Missing => Row {
                code: "missing_fields",
                status: 422,
                title: "Required fields missing from the document",
                member: Some("missing"),
                said: Some("missing (required) fields"),
                logged: None,
            },
            ProblemKind::Invalid => Row {
                code: "invalid_fields",
                status: 422,
                title: "Invalid values in the document",
                member: Some("invalid"),
                said: None,
                logged: None,
            },
            ProblemKind::NotPermitted => Row {
                code: "not_permitted",
                status: 403,
                title: "Fields not permitted",
                member: Some("denied"),
                said: None,
                logged: Some("patch refused: fields not permitted"),
            },
            ProblemKind::Denied => Row {
                code: "role_required",
                status: 403,
                title: "Role required for fields",
                member: Some("denied"),
                said: None,
                logged: Some("patch refused: role-gated fields"),
            },
            ProblemKind::Refused => Row {
                code: "invalid_fields",
                status: 422,
                title: "Invalid values",
                member: Some("invalid"),
                said: None,
                logged: None,
            },
            ProblemKind::MalformedPatch => Row {
                code: "malformed_json_patch",
                status: 400,
                title: "Malformed JSON Patch",
                member: Some("operation"),
                said: None,
                logged: None,
            },
            ProblemKind::TooManyOperations => Row {
                code: "too_many_operations",
                status: 422,
                title: "Too many operations",
                member: Some("limit"),
                said: None,
                logged: None,
            },
            ProblemKind::OperationsRefused => Row {
                code: "operations_refused",
                status: 422,
                title: "Operations refused",
                member: Some("operations"),
                said: None,
                logged: Some("patch refused: operations on server-only fields"),
            },
            ProblemKind::OperationFailed => Row {
                code: "operation_failed",
                status: 409,
                title: "Operation failed",
                member: Some("operation"),
                said: None,
                logged: None,
            },
            ProblemKind::ViewFailed => Row {
                code: "view_failed",
                status: 500,
                title: "The stored model could not be read",
                member: None,
                said: None,
                logged: None,
            },
        }
    }

    /// The stable machine-readable code: `code` of the problem document, `error` of the
    /// serialized error.
    pub const fn code(self) -> &'static str {
        self.row().code
    }

    /// The HTTP status of the problem document.
    pub const fn status(self) -> u16 {
        self.row().status
    }

    /// The title of the problem document (the same for every error of the kind).
    pub const fn title(self) -> &'static str {
        self.row().title
    }

    /// The member of the problem document that lists the keys or fields of this kind; `None`
    /// for [`Malformed`](Self::Malformed), whose syntax error is the document's `detail`.
    pub const fn member(self) -> Option<&'static str> {
        self.row().member
    }
}

/// A kind whose keys a [`PatchError`](crate::PatchError) lists: its own member, and its words in
/// the error's message.
pub(crate) struct KeyList {
    pub(crate) kind: ProblemKind,
    pub(crate) member: &'static str,
    pub(crate) said: &'static str,
}

/// The key lists of a [`PatchError`](crate::PatchError), in the order of its members and of
/// its message.
pub(crate) const KEY_LISTS: [KeyList; 4] = [
    KeyList::of(ProblemKind::Forbidden),
    KeyList::of(ProblemKind::Unknown),
    KeyList::of(ProblemKind::Duplicate),
    KeyList::of(ProblemKind::Missing),
];

impl KeyList {
    const fn of(kind: ProblemKind) -> KeyList {
        match kind.row().said {
            Some(said) => KeyList {
                kind,
                member: member(kind),
                said,
            },
            None => panic!("a kind whose keys are listed needs its words"),
        }
    }
}

/// The member of the invalid values of a document.
pub(crate) const INVALID: &str = member(ProblemKind::Invalid);
/// The member of the role-gated fields of a patch.
pub(crate) const DENIED: &str = member(ProblemKind::Denied);
/// The member of the values of a patch that its validators refuse.
pub(crate) const REFUSED: &str = member(ProblemKind::Refused);

/// The member of `kind`, for the constants above and [`KEY_LISTS`]: evaluated only when they
/// are compiled, so that a row without a member fails to compile, never at run time.
const fn member(kind: ProblemKind) -> &'static str {
    match kind.row().member {
        Some(member) => member,
        None => panic!("this kind has no member"),
    }
}

/// The security events of the web layer's log: a document naming server-only fields, a patch
/// writing fields its sender may not write (refused by roles alone, or by a rule too).
#[cfg(any(feature = "actix", feature = "axum"))]
pub(crate) const FORBIDDEN_EVENT: &str = event(ProblemKind::Forbidden);
#[cfg(any(feature = "actix", feature = "axum"))]
pub(crate) const DENIED_EVENT: &str = event(ProblemKind::Denied);
#[cfg(any(feature = "actix", feature = "axum"))]
pub(crate) const NOT_PERMITTED_EVENT: &str = event(ProblemKind::NotPermitted);
#[cfg(all(feature = "json-patch", any(feature = "actix", feature = "axum")))]
pub(crate) const OPERATIONS_EVENT: &str = event(ProblemKind::OperationsRefused);

/// The security event of `kind`, for the constants above, which fail to compile if it has none.
#[cfg(any(feature = "actix", feature = "axum"))]
const fn event(kind: ProblemKind) -> &'static str {
    match kind.row().logged {
        Some(event) => event,
        None => panic!("this kind is not logged"),
    }
}
