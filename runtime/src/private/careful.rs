//! The key loop of the readers that go on after a refused value: the scan of `rescan.rs`
//! (`from_json`'s second pass) and the stream of `stream.rs` (the `Deserialize` impl). Each
//! says how it reads one field's value and what an error of it means; the loop does what
//! both share: classify each key, and list a repeat of a key whose value was refused.

use serde::de::{IgnoredAny, MapAccess};

use super::de::{Collector, KeySeed};
use super::{Fields, Path};

/// Reads every key of the object in `map` (at `path`) into fields `P`: a writable field's
/// value through `read` (an error of it ends the object), any other key's value skipped.
#[inline]
pub(super) fn each_key<'de, P, A, F>(
    map: &mut A,
    collector: &mut Collector,
    path: Path<'_>,
    mut read: F,
) -> Result<(), A::Error>
where
    P: Fields,
    A: MapAccess<'de>,
    F: FnMut(&mut A, u16, &mut Collector) -> Result<(), A::Error>,
{
    let mut at = (collector, path);
    while let Some(key) = map.next_key_seed(KeySeed::<P>::new(&mut at))? {
        let collector = &mut *at.0;
        // One test per key while the document is clean (most are): nothing was refused yet.
        if !collector.is_clean() && after_a_problem::<P>(collector, path, key) {
            map.next_value::<IgnoredAny>()?;
            continue;
        }
        match key {
            Some(index) => read(map, index, collector)?,
            // Already recorded by `KeySeed`.
            None => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
    Ok(())
}

/// A key read after the first problem of the document: whether it repeats a field whose
/// value was refused (then it is recorded as repeated, and its value is to be skipped).
#[cold]
#[inline(never)]
fn after_a_problem<P: Fields>(collector: &mut Collector, path: Path<'_>, key: Option<u16>) -> bool {
    // The value before this key, if it was refused, was read to its end: an error from here
    // on is not its own.
    collector.aborted_at = None;
    // A field whose first value was refused holds nothing, so its reader would take a second
    // value as the first: its refusal is what remembers that it was seen.
    match key {
        Some(index) if collector.was_refused(path, P::wire(index)) => {
            collector.duplicate(path.join_key(P::wire(index)));
            true
        }
        _ => false,
    }
}
