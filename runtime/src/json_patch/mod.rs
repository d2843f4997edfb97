//! JSON Patch (RFC 6902, `application/json-patch+json`) under the model's rules: the
//! operations are read and their pointers checked against the model's fields before the
//! stored model is read, then applied in order to the sender's view of it, and their net
//! change is checked and written as the same change sent as a merge patch would be.
//!
//! - `sets.rs`: the common document (only `add`/`replace` of top-level fields) read in one
//!   pass straight into the patch;
//! - `read.rs`: any other document read in full, every operation and its pointers
//!   (`pointer.rs`), the values checked for repeated members (`repeated.rs`);
//! - `apply.rs`: the operations applied to the sender's view, `test` by section 4.6's
//!   equality (`equal.rs`), and what they wrote made a merge patch (`written.rs`);
//! - `operation.rs`: an operation as read in full; `error.rs`: the refusals; `schema.rs`: the documents' JSON Schema (feature `schemars`).

mod apply;
mod equal;
mod error;
mod operation;
mod pointer;
mod read;
mod repeated;
#[cfg(feature = "schemars")]
mod schema;
mod sets;
mod written;

use std::fmt;
use std::marker::PhantomData;

pub use error::{JsonPatchError, OperationProblem, OperationRefusal};
#[cfg(feature = "schemars")]
pub use schema::JsonPatchSchema;

use self::operation::Operation;
use crate::Patch;

/// A JSON Patch document (RFC 6902) for the model of the patch type `P`, read and checked as
/// far as it can be without the stored model.
///
/// [`from_json`](Self::from_json) reads the operations strictly: an array of operation objects,
/// each with a known `op`, a string `path` (and `from`) that is a JSON Pointer (RFC 6901, `~0`
/// and `~1` decoded), the `value` or `from` its operation needs, no member repeated (appendix
/// A.13); members an operation does not define are ignored, as section 4 says. Then every
/// pointer is resolved against the model's fields as its `Deserialize` names them (wire names
/// and aliases), nested models through their own fields, a `Vec`'s elements by index (and `-`
/// to add after the last): an operation that writes a server-only or create-only field, names
/// no field, reads (`from`, `test`) a field no view ever shows (`secret`), names the whole
/// document (`""`) or goes inside a single value is refused, every such pointer listed at
/// once with its operation's index.
///
/// [`apply_as`](Self::apply_as) then applies the operations in order to the model as the
/// sender may read it ([`SafeView::view_as`](crate::SafeView::view_as): what a `GET` would
/// answer it, an `Option` that is `None` absent), stops at the first that cannot be applied
/// (section 5), and turns the fields the operations wrote into a merge patch that is read and
/// applied as a client's merge patch is: every role, condition, value rule, validator and
/// `clear` rule, nothing written unless all pass. A field an operation writes counts as
/// written even when its value ends unchanged, as re-sending a value in a merge patch does.
///
/// ```
/// use safe_update::{JsonPatch, JsonPatchError, SafeUpdate};
///
/// #[derive(SafeUpdate)]
/// #[update(view)]
/// struct User {
///     #[update(allow)] name: String,
///     #[update(allow)] tags: Vec<String>,
///     #[update(server_only, read)] is_admin: bool,
///     #[update(server_only, secret)] password_hash: String,
/// }
///
/// let mut user = User { name: "ann".into(), tags: vec![], is_admin: false, password_hash: "x".into() };
/// let document = br#"[
///     {"op": "test", "path": "/is_admin", "value": false},
///     {"op": "replace", "path": "/name", "value": "Ann"},
///     {"op": "add", "path": "/tags/-", "value": "staff"}
/// ]"#;
/// JsonPatch::<UserPatch>::from_json(document)?.apply_as(&mut user, &safe_update::NoRoles)?;
/// assert_eq!((user.name.as_str(), user.tags.as_slice()), ("Ann", &["staff".to_owned()][..]));
///
/// // Refused before the model is read: a server-only field written, a secret one read.
/// let error = JsonPatch::<UserPatch>::from_json(br#"[
///     {"op": "replace", "path": "/is_admin", "value": true},
///     {"op": "copy", "from": "/password_hash", "path": "/name"}
/// ]"#).unwrap_err();
/// let problems: Vec<_> = error.operations().iter().map(|refusal| (refusal.index, refusal.problem.code())).collect();
/// assert_eq!(problems, [(0, "forbidden"), (1, "unreadable")]);
/// # Ok::<(), JsonPatchError>(())
/// ```
pub struct JsonPatch<P> {
    plan: Plan<P>,
}

/// What applying a document takes.
enum Plan<P> {
    /// A document that only sets top-level fields whole (`add`, and `replace` of a field every
    /// view shows), the common one: read into the patch in one pass (`sets.rs`).
    Sets { patch: P, operations: usize },
    /// Any other: the operations, applied to the sender's view.
    Operations {
        /// The document: values and pointers are read from it where they were written.
        body: Box<str>,
        operations: Vec<Operation>,
        patch: PhantomData<fn() -> P>,
    },
}

impl<P: Patch> JsonPatch<P> {
    /// The most operations [`from_json`](Self::from_json) reads: a document with more is
    /// refused, the rest
    /// neither checked nor applied. A form of a dozen fields needs a dozen.
    pub const DEFAULT_MAX_OPERATIONS: usize = crate::document::DEFAULT_MAX_OPERATIONS;

    /// Reads a JSON Patch document of at most
    /// [`DEFAULT_MAX_OPERATIONS`](Self::DEFAULT_MAX_OPERATIONS) operations.
    ///
    /// # Errors
    ///
    /// [`JsonPatchError::Malformed`], [`TooManyOperations`](JsonPatchError::TooManyOperations),
    /// or [`Operations`](JsonPatchError::Operations) listing every pointer refused.
    pub fn from_json(body: &[u8]) -> Result<Self, JsonPatchError> {
        Self::from_json_limited(body, Self::DEFAULT_MAX_OPERATIONS)
    }

    /// Reads a JSON Patch document of at most `max_operations` operations.
    ///
    /// # Errors
    ///
    /// As [`from_json`](Self::from_json).
    pub fn from_json_limited(body: &[u8], max_operations: usize) -> Result<Self, JsonPatchError> {
        let body = std::str::from_utf8(body).map_err(|error| JsonPatchError::Malformed {
            operation: None,
            reason: format!("the body is not UTF-8: {error}"),
        })?;
        if let Some((patch, operations)) = sets::sets::<P>(body, max_operations) {
            return Ok(JsonPatch {
                plan: Plan::Sets { patch, operations },
            });
        }
        let operations = read::operations(body, max_operations, P::__PATHS)?;
        Ok(JsonPatch {
            plan: Plan::Operations {
                body: body.into(),
                operations,
                patch: PhantomData,
            },
        })
    }

    /// How many operations the document holds.
    pub fn len(&self) -> usize {
        match &self.plan {
            Plan::Sets { operations, .. } => *operations,
            Plan::Operations { operations, .. } => operations.len(),
        }
    }

    /// Whether the document holds no operation (`[]`: applying it writes nothing).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<P: Patch> fmt::Debug for JsonPatch<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The values are the client's data: only how many operations there are.
        f.debug_struct("JsonPatch")
            .field("operations", &self.len())
            .finish_non_exhaustive()
    }
}
