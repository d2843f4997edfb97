//! What a create input's `Input::finish` calls for each required field.

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
