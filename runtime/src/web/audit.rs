//! Security events for refused patches: who tried to write which protected fields.
//!
//! Only names go to the log: the user's, and the wire names of server-only and role-gated
//! fields, which the model defines. Values, passwords and the client's other keys (unknown
//! keys are client-chosen text) never do; unknown keys are counted.

use crate::auth::SECURITY_LOG_TARGET;
#[cfg(feature = "json-patch")]
use crate::kind::OPERATIONS_EVENT;
use crate::kind::{ProblemKind, DENIED_EVENT, FORBIDDEN_EVENT, NOT_PERMITTED_EVENT};
use crate::{ApplyError, PatchError};

/// Logs a document refused for naming server-only fields.
pub(crate) fn refused_document(user: Option<&str>, error: &PatchError) {
    if error.forbidden().is_empty() {
        return;
    }
    tracing::warn!(
        target: SECURITY_LOG_TARGET,
        user = ?user.unwrap_or("<unknown>"),
        fields = ?error.forbidden(),
        unknown_keys = error.unknown().len(),
        "{}",
        FORBIDDEN_EVENT
    );
}

/// Logs a patch refused for fields its sender may not write: by roles alone, or by conditions
/// and value rules too (another event, so that an alert can tell them apart).
pub(crate) fn refused_apply(user: Option<&str>, error: &ApplyError) {
    if error.denied().is_empty() {
        return;
    }
    let fields: Vec<&str> = error
        .denied()
        .iter()
        .map(|denied| denied.field.as_str())
        .collect();
    tracing::warn!(
        target: SECURITY_LOG_TARGET,
        user = ?user.unwrap_or("<unknown>"),
        fields = ?fields,
        "{}",
        if error.kind() == ProblemKind::NotPermitted {
            NOT_PERMITTED_EVENT
        } else {
            DENIED_EVENT
        }
    );
}

/// Logs a JSON Patch refused for operations that write server-only or create-only fields: the
/// pointers, which name the model's fields (the other refused pointers are counted).
#[cfg(feature = "json-patch")]
pub(crate) fn refused_operations(user: Option<&str>, error: &crate::JsonPatchError) {
    let forbidden: Vec<&str> = error
        .operations()
        .iter()
        .filter(|refusal| refusal.problem == crate::OperationProblem::Forbidden)
        .map(|refusal| refusal.pointer.as_str())
        .collect();
    if forbidden.is_empty() {
        return;
    }
    tracing::warn!(
        target: SECURITY_LOG_TARGET,
        user = ?user.unwrap_or("<unknown>"),
        pointers = ?forbidden,
        other_refusals = error.operations().len() - forbidden.len(),
        "{}",
        OPERATIONS_EVENT
    );
}

// The test capturing these events is `tests/tests/actix_audit.rs`: a process of its own,
// where a global subscriber sees events from every thread.
