//! What a whole document is read into: [`Input`], the bound of every entry point of reading
//! (`from_json`, `from_form`, the `Deserialize` impls). The public `Document` is this trait
//! under a public name; patches have it by a blanket impl beside `Patch`, and the derive
//! implements it for a create input.

use super::{Collector, Fields, Path};

/// A type read from a client's document: the fields the object visitor reads into, then made
/// into the type.
pub trait Input: Sized {
    /// Whether the document creates a model (then `null` for an optional sub-model erases
    /// nothing).
    const CREATING: bool;

    /// What the document is read into, key by key.
    type Fields: Fields;

    /// The fields read, made into `Self`; `None` after recording in `collector` every
    /// required field that is missing.
    fn finish(fields: Self::Fields, collector: &mut Collector, path: Path<'_>) -> Option<Self>;
}
