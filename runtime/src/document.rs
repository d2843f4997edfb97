//! What a client's document is read into: a patch, a create input, or a create input with
//! extra inputs ([`WithExtra`](crate::WithExtra)).

use crate::__private::{Collector, Fields, Path};
use crate::Patch;

/// A type read from a client's document by [`from_json`](crate::from_json),
/// [`from_form`](crate::from_form), its serde `Deserialize` and the web extractors, with every
/// refusal of this crate: only an object, forbidden, unknown and repeated keys, `null` only
/// where the model takes it, and (for a create input) every missing required field, all
/// listed at once (by its serde `Deserialize`, which reads the document once, up to an error
/// inside an array or object value: [Documents](crate#documents)).
///
/// Implemented for every patch type, every create input (`#[update(create)]`) and
/// [`WithExtra`](crate::WithExtra); never implement it by hand.
pub trait Document: Sized {
    #[doc(hidden)]
    /// Whether the document creates a model (then `null` for an optional sub-model erases
    /// nothing).
    const __CREATING: bool;

    #[doc(hidden)]
    /// What the document is read into, key by key.
    type __Fields: Fields;

    #[doc(hidden)]
    /// The fields read, made into `Self`; `None` after recording in `collector` every
    /// required field that is missing.
    fn __finish(fields: Self::__Fields, collector: &mut Collector, path: Path<'_>) -> Option<Self>;
}

impl<P: Patch> Document for P {
    const __CREATING: bool = false;
    type __Fields = P;

    #[inline(always)]
    fn __finish(fields: P, _: &mut Collector, _: Path<'_>) -> Option<P> {
        Some(fields)
    }
}
