//! What a create input's `Input::finish` calls for each required field, and how a parent's
//! create input finishes a nested one.

use super::{Collector, Path};

/// The value of the required field `name` of the object at `path`, recorded as missing when
/// the document did not send it.
#[inline(always)]
pub fn required<T>(
    slot: Option<T>,
    collector: &mut Collector,
    path: Path<'_>,
    name: &str,
) -> Option<T> {
    if slot.is_none() {
        collector.missing(path, name);
    }
    slot
}

/// A create input that a parent's create input can hold for a nested field: it is read as its
/// model's patch (the parent reads the nested object into that patch), which a model with
/// create-only fields is not (its input reads those beside the patch).
#[diagnostic::on_unimplemented(
    message = "`{Self}` has create-only fields, so its model cannot be created nested in another \
               model's create input",
    label = "a nested model with `create_only` fields",
    note = "create the nested model through a route of its own, or make its create-only fields \
            writable (`allow`) or server-only"
)]
pub trait NestedInput: Sized {
    /// The model's patch, which the parent reads the nested object into.
    type Patch;

    /// The input made from the nested object's patch; `None` after recording its missing
    /// fields.
    fn finish_nested(patch: Self::Patch, collector: &mut Collector, path: Path<'_>)
        -> Option<Self>;
}
