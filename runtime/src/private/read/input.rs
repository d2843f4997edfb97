//! What a whole document is read into: [`Input`], the bound of every entry point of reading
//! (`from_json`, `from_form`, the `Deserialize` impls); and how a reader ends, [`finish`]. The
//! public `Document` is this trait under a public name; patches have it by a blanket impl
//! beside `Patch`, and the derive implements it for a create input.

use super::{Collector, Fields, Path};
use crate::error::PatchError;

/// A type read from a client's document: the fields the object visitor reads into, then made
/// into the type.
pub trait Input: Sized {
    /// Whether the document creates a model (then `null` for an optional sub-model erases
    /// nothing).
    const CREATING: bool;

    /// What the document is read into, key by key.
    type Fields: Fields;

    /// Every key that names a field of the document (wire names and aliases), in lists:
    /// `WithExtra` checks that no key is in two inputs' lists.
    const KEYS: &'static [&'static [&'static str]];

    /// The fields read, made into `Self`; `None` after recording in `collector` every
    /// required field that is missing.
    fn finish(fields: Self::Fields, collector: &mut Collector, path: Path<'_>) -> Option<Self>;
}

/// The fields read, made into the document's type (a patch is its fields, `Input::finish`
/// inlined away; a create input checks that every required field is there), or every problem.
#[inline(always)]
pub(super) fn finish<D: Input>(
    fields: D::Fields,
    mut collector: Collector,
) -> Result<D, PatchError> {
    if !collector.is_clean() {
        return Err(finish_refused::<D>(fields, collector));
    }
    match D::finish(fields, &mut collector, Path::ROOT) {
        Some(document) if collector.is_clean() => Ok(document),
        _ => Err(collector.into_error().unwrap_or_default()),
    }
}

/// Every problem of a refused document: for a create input, the missing fields too (a patch
/// has no required field), unless the document as a whole was refused.
#[cold]
#[inline(never)]
fn finish_refused<D: Input>(fields: D::Fields, mut collector: Collector) -> PatchError {
    if D::CREATING && !collector.document_refused() {
        let _ = D::finish(fields, &mut collector, Path::ROOT);
    }
    collector.into_error().unwrap_or_default()
}
