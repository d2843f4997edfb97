//! What a client's document is read into: a patch, a create input, or a create input with
//! extra inputs ([`WithExtra`](crate::WithExtra)).

use crate::__private::{Collector, Input, Path};
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
// How a document is read is `__private::Input`, the bound of every entry point of reading;
// `Document` is that trait under a public name, so that generic code (the web extractors, a
// user's) can name it, while `__private` names no public trait.
pub trait Document: Sized + Input {}

impl<D: Input> Document for D {}

// A patch is read as it is: its fields are the patch, with nothing to finish.
impl<P: Patch> Input for P {
    const CREATING: bool = false;
    type Fields = P;
    const KEYS: &'static [&'static [&'static str]] = &[P::__KEYS];

    #[inline(always)]
    fn finish(fields: P, _: &mut Collector, _: Path<'_>) -> Option<P> {
        Some(fields)
    }
}

/// The most operations a JSON Patch document holds unless configured otherwise
/// (`JsonPatch::DEFAULT_MAX_OPERATIONS`, `PatchConfig::max_operations`): one for each field
/// of a large form, and few enough that reading them is cheap.
#[cfg_attr(
    not(any(feature = "json-patch", feature = "actix", feature = "axum")),
    allow(dead_code)
)]
pub(crate) const DEFAULT_MAX_OPERATIONS: usize = 100;
