//! The reader of the `Deserialize` impl: one pass over any deserializer, which cannot be
//! read twice, going on after every refused value that it can step over.
//!
//! After a refused scalar (read to its end, `watch.rs` tells) the next key is read as usual,
//! so every later forbidden, unknown and repeated key and every later invalid value is listed
//! too. After an error inside an array, an object or an enum the deserializer is somewhere in
//! that value, and what it would read next as a key might be one of its elements: the object
//! ends there, and the error says where the listing stopped (`de.rs`, `stopped`). Text that
//! is not JSON ends the document with the deserializer's own error, as `from_json` answers
//! only that the body is malformed.

use core::cell::Cell;
use core::fmt;

use serde::de::{MapAccess, Visitor};

use super::careful::each_key;
use super::de::Collector;
use super::watch::{Seen, Watch};
use super::{Fields, Path};

/// Reads an object into a patch in the stream: the document, or a nested object at `path`.
pub(super) struct StreamVisitor<'x, 'c, 'p, P> {
    patch: &'x mut P,
    collector: &'c mut Collector,
    path: Path<'p>,
}

impl<'x, 'c, 'p, P> StreamVisitor<'x, 'c, 'p, P> {
    pub(super) fn new(patch: &'x mut P, collector: &'c mut Collector, path: Path<'p>) -> Self {
        StreamVisitor {
            patch,
            collector,
            path,
        }
    }
}

impl<'de, P: Fields> Visitor<'de> for StreamVisitor<'_, '_, '_, P> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "a JSON object with the writable fields of `{}`",
            P::MODEL
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let StreamVisitor {
            patch,
            collector,
            path,
        } = self;
        let read = each_key::<P, A, _>(&mut map, collector, path, move |map, index, collector| {
            let seen = Cell::new(Seen::Nothing);
            match patch.field(index, &mut Watch::new(map, &seen), collector, path) {
                Ok(()) => Ok(()),
                // Not JSON inside a nested object: nothing more to read.
                Err(error) if collector.unreadable => Err(error),
                Err(error) => match seen.get() {
                    // Read whole and recorded as invalid by the field: go on. (A deserializer
                    // may leave an array or object it refused unread; then the next key cannot
                    // be read, and `aborted_at` still names this field.)
                    Seen::Scalar => Ok(()),
                    // Inside the value: nothing after it can be read safely. The field
                    // recorded the error (the innermost field of a nested patch:
                    // `aborted_at`).
                    Seen::Compound => Err(error),
                    // The deserializer's own error: not a refused value, not listed as one.
                    Seen::Nothing => {
                        collector.aborted_at = None;
                        Err(error)
                    }
                },
            }
        });
        // Ended by no field's value: the text is not JSON there (a missing comma, a bad
        // escape), and its error is returned as it is.
        if read.is_err() && collector.aborted_at.is_none() {
            collector.unreadable = true;
        }
        read
    }
}
