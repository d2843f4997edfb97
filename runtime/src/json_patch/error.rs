//! Why a JSON Patch document was refused: what needs no stored model (every problem at once),
//! what does (the first failing operation, as RFC 6902 section 5 says), and the refusals of
//! the merge patch its net change is checked as.

use std::fmt;

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::{ApplyError, PatchError, ProblemKind};

/// Why a JSON Patch document ([`JsonPatch`](crate::JsonPatch)) was refused. Nothing was
/// written.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonPatchError {
    /// Not a JSON Patch document (400): not JSON, not an array, an operation that is not an
    /// object, an unknown `op`, a `path` or `from` that is not a string or not a JSON Pointer,
    /// a missing `value` or `from`, a member repeated in one operation (RFC 6902 appendix
    /// A.13). `operation` is the index of the operation, when the problem is inside one.
    Malformed {
        /// The index of the operation the problem is in.
        operation: Option<usize>,
        /// What is wrong, with the position serde_json reports.
        reason: String,
    },
    /// More operations than the limit (422; [`JsonPatch::DEFAULT_MAX_OPERATIONS`]
    /// unless configured). The operations after the limit were neither checked nor applied.
    ///
    /// [`JsonPatch::DEFAULT_MAX_OPERATIONS`]: crate::JsonPatch::DEFAULT_MAX_OPERATIONS
    TooManyOperations {
        /// The most operations a document may hold.
        limit: usize,
    },
    /// Operations refused before the stored model is read (422): every one, each pointer of
    /// each, in document order.
    Operations(Vec<OperationRefusal>),
    /// The first operation that could not be applied to the document as the sender may read
    /// it (409): a failed `test`, a `remove`, `replace`, `from` or parent that does not exist,
    /// an index out of range. The operations before it were undone.
    Failed(OperationRefusal),
    /// The net change, read as a merge patch, is not a valid one (422): a value of the wrong
    /// type, `null` (a removed member) for a field that cannot be absent.
    Document(PatchError),
    /// The net change, checked as a merge patch, is refused by the model's rules (403) or
    /// validators (422).
    Refused(ApplyError),
    /// The stored model could not be serialized as the sender's view (500): a
    /// `serialize_with` function of the model failed. Nothing of it reaches the client.
    View(String),
}

impl JsonPatchError {
    /// What kind of problem this is: its code, status and title.
    pub fn kind(&self) -> ProblemKind {
        match self {
            JsonPatchError::Malformed { .. } => ProblemKind::MalformedPatch,
            JsonPatchError::TooManyOperations { .. } => ProblemKind::TooManyOperations,
            JsonPatchError::Operations(_) => ProblemKind::OperationsRefused,
            JsonPatchError::Failed(_) => ProblemKind::OperationFailed,
            JsonPatchError::Document(error) => error.kind(),
            JsonPatchError::Refused(error) => error.kind(),
            JsonPatchError::View(_) => ProblemKind::ViewFailed,
        }
    }

    /// The stable machine-readable code of [`kind`](Self::kind).
    pub fn code(&self) -> &'static str {
        self.kind().code()
    }

    /// The operations refused before the stored model was read, or the one that failed; empty
    /// for the other kinds.
    pub fn operations(&self) -> &[OperationRefusal] {
        match self {
            JsonPatchError::Operations(refusals) => refusals,
            JsonPatchError::Failed(refusal) => std::slice::from_ref(refusal),
            _ => &[],
        }
    }
}

impl fmt::Display for JsonPatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonPatchError::Malformed {
                operation: Some(index),
                reason,
            } => write!(f, "malformed JSON Patch: operation {index}: {reason}"),
            JsonPatchError::Malformed {
                operation: None,
                reason,
            } => write!(f, "malformed JSON Patch: {reason}"),
            JsonPatchError::TooManyOperations { limit } => {
                write!(f, "a JSON Patch may hold at most {limit} operations")
            }
            JsonPatchError::Operations(refusals) => {
                let parts: Vec<String> = refusals.iter().map(ToString::to_string).collect();
                f.write_str(&parts.join("; "))
            }
            JsonPatchError::Failed(refusal) => refusal.fmt(f),
            JsonPatchError::Document(error) => error.fmt(f),
            JsonPatchError::Refused(error) => error.fmt(f),
            JsonPatchError::View(reason) => {
                write!(f, "the stored model could not be read: {reason}")
            }
        }
    }
}

impl std::error::Error for JsonPatchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            JsonPatchError::Document(error) => Some(error),
            JsonPatchError::Refused(error) => Some(error),
            _ => None,
        }
    }
}

impl From<PatchError> for JsonPatchError {
    fn from(error: PatchError) -> Self {
        JsonPatchError::Document(error)
    }
}

impl From<ApplyError> for JsonPatchError {
    fn from(error: ApplyError) -> Self {
        JsonPatchError::Refused(error)
    }
}

/// One pointer of one operation, refused: the member `operations` (or `operation`) of the
/// problem document.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OperationRefusal {
    /// The operation's index in the document, from 0.
    pub index: usize,
    /// The operation: `add`, `remove`, `replace`, `move`, `copy` or `test`.
    pub op: &'static str,
    /// Which member of the operation: `path` or `from` (a pointer), or `value` (a value holding
    /// a repeated member; `pointer` is then the operation's `path`).
    pub member: &'static str,
    /// The pointer, as the document wrote it (escapes decoded).
    pub pointer: String,
    /// Why.
    pub problem: OperationProblem,
}

impl OperationRefusal {
    pub(crate) fn new(
        index: usize,
        op: &'static str,
        member: &'static str,
        pointer: &str,
        problem: OperationProblem,
    ) -> Self {
        OperationRefusal {
            index,
            op,
            member,
            pointer: pointer.to_owned(),
            problem,
        }
    }

    /// What a client reads: the problem said of this pointer.
    pub fn detail(&self) -> String {
        let pointer = &self.pointer;
        match self.problem {
            OperationProblem::Forbidden => {
                format!("`{pointer}` is a field a patch may not write (server-only or create-only)")
            }
            OperationProblem::Unknown => format!("`{pointer}` names no field"),
            OperationProblem::Unreadable => {
                format!("`{pointer}` is never readable: it cannot be copied, moved or tested")
            }
            OperationProblem::WholeDocument => {
                "the empty pointer names the whole document: an operation must name a field"
                    .to_owned()
            }
            OperationProblem::NotAddressable => format!(
                "`{pointer}` goes inside a value that has no addressable parts (a list's \
                 elements are addressed by index, `-` only to add after the last): write the \
                 field whole"
            ),
            OperationProblem::DuplicateKey => {
                "the value holds an object with a repeated member".to_owned()
            }
            OperationProblem::TestFailed => format!("`{pointer}` does not hold the tested value"),
            OperationProblem::NotFound => format!(
                "`{pointer}` does not exist in the document as you may read it (an absent \
                 member, or an index past the end)"
            ),
            OperationProblem::MoveIntoItself => {
                format!("`{pointer}` is inside the value being moved")
            }
        }
    }
}

impl fmt::Display for OperationRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "operation {} (`{}`), {}: {}",
            self.index,
            self.op,
            self.member,
            self.detail()
        )
    }
}

impl Serialize for OperationRefusal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut body = serializer.serialize_struct("OperationRefusal", 6)?;
        body.serialize_field("index", &self.index)?;
        body.serialize_field("op", self.op)?;
        body.serialize_field("member", self.member)?;
        body.serialize_field("pointer", &self.pointer)?;
        body.serialize_field("problem", self.problem.code())?;
        body.serialize_field("detail", &self.detail())?;
        body.end()
    }
}

/// Why a pointer of an operation was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OperationProblem {
    /// It writes (`add`, `remove`, `replace`, `move`'s two pointers, `copy`'s `path`) a field a
    /// patch may not write: server-only or create-only. Logged as a security event.
    Forbidden,
    /// It names no field of the model.
    Unknown,
    /// It reads (`copy`'s or `move`'s `from`, `test`'s `path`) a field no view ever shows:
    /// `secret`, or skipped when serialized.
    Unreadable,
    /// It is the empty pointer: the whole document.
    WholeDocument,
    /// It goes inside a field that has no addressable parts, or addresses a list's element with
    /// something other than an index (`-` only as the `path` of an operation that adds).
    NotAddressable,
    /// The operation's value holds an object with a repeated member, in a document whose
    /// operations are applied to the working copy of the model (which could not hold both).
    /// A document that only sets top-level fields reads each value with its field's own reader
    /// instead, exactly as the merge patch of those fields reads it (a map field's repeated key
    /// is then the map type's to take, as in a merge patch).
    DuplicateKey,
    /// A `test` whose value differs from the one at its pointer (RFC 6902 section 4.6).
    TestFailed,
    /// The pointer (or its parent, for an operation that adds) does not exist in the sender's
    /// view of the stored model: an absent member (a `None`, or a field the sender may not
    /// read), an index past the end.
    NotFound,
    /// A `move` into the value it moves.
    MoveIntoItself,
}

impl OperationProblem {
    /// The stable machine-readable code: `problem` of a refusal in the problem document.
    pub fn code(self) -> &'static str {
        match self {
            OperationProblem::Forbidden => "forbidden",
            OperationProblem::Unknown => "unknown",
            OperationProblem::Unreadable => "unreadable",
            OperationProblem::WholeDocument => "whole_document",
            OperationProblem::NotAddressable => "not_addressable",
            OperationProblem::DuplicateKey => "duplicate_key",
            OperationProblem::TestFailed => "test_failed",
            OperationProblem::NotFound => "not_found",
            OperationProblem::MoveIntoItself => "move_into_itself",
        }
    }
}
