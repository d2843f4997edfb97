//! The reader of the `Deserialize` impl: one pass over any deserializer, which cannot be
//! read twice, going on after every refused value that it can step over.
//!
//! After a refused scalar (read to its end, `watch.rs` tells) the next key is read as usual,
//! so every later forbidden, unknown and repeated key and every later invalid value is listed
//! too. After an error inside an array, an object or an enum the deserializer is somewhere in
//! that value, and what it would read next as a key might be one of its elements: the object
//! ends there, and the error says where the listing stopped (`stopped`). Text that
//! is not JSON ends the document with the deserializer's own error, as `from_json` answers
//! only that the body is malformed.

use core::cell::Cell;

use serde::de::{self, Deserializer, MapAccess};

use super::collector::without_position;
use super::input::finish;
use super::object::{each_key, ObjectVisitor};
use super::watch::{Seen, Watch};
use super::{Fields, Input, Path, Reading, Source};

/// Deserializes a patch or create input as serde's `Deserialize` does, in one pass (the
/// `Stream` source); every problem becomes one message:
/// [`PatchError`](crate::error::PatchError)'s, and where the listing stopped when an error
/// inside an array or object ended the document early.
pub fn deserialize<'de, D: Input, De: Deserializer<'de>>(deserializer: De) -> Result<D, De::Error> {
    let mut reading = Reading::new(D::CREATING);
    let mut fields = D::Fields::default();
    let visitor = ObjectVisitor::<_, Stream>::new(&mut fields, &mut reading, Path::ROOT);
    if let Err(error) = deserializer.deserialize_map(visitor) {
        return Err(stopped(reading, error));
    }
    finish(fields, reading.errors).map_err(de::Error::custom)
}

/// The error of a document whose reading `error` ended early: every problem listed until
/// then, and where the listing stopped. (Missing fields of a create input are not listed:
/// the rest of the document was not read.)
#[cold]
#[inline(never)]
fn stopped<E: de::Error>(mut reading: Reading, error: E) -> E {
    let at = match reading.aborted_at.take() {
        Some(at) if !reading.unreadable => at,
        // Not a field's value: the document is not an object, or not JSON. As `from_json`
        // answers such a body with that alone, the deserializer's own error, unchanged (its
        // position, and what it is: serde_json's `classify` tells a syntax error).
        _ => return error,
    };
    // The field whose value ended the document; its reason is said once, here.
    let reason = reading
        .errors
        .take_invalid(&at)
        .unwrap_or_else(|| without_position(error.to_string()));
    let stop = format!("listing stopped at `{at}`: {reason}");
    let listed = reading.errors.into_error().unwrap_or_default().to_string();
    if listed.is_empty() {
        E::custom(stop)
    } else {
        E::custom(format_args!("{listed}; {stop}"))
    }
}

/// The source of the `Deserialize` impl: each value read in place, watched, and the object
/// read on after a refused value wherever that is safe.
pub enum Stream {}

impl Source for Stream {
    fn object<'de, P: Fields, A: MapAccess<'de>>(
        patch: &mut P,
        mut map: A,
        reading: &mut Reading,
        path: Path<'_>,
    ) -> Result<(), A::Error> {
        let read = each_key::<P, A, _>(&mut map, reading, path, move |map, index, reading| {
            let seen = Cell::new(Seen::Nothing);
            let watched = &mut Watch::new(map, &seen);
            match patch.field::<Self, _>(index, watched, reading, path) {
                Ok(()) => Ok(()),
                // Not JSON inside a nested object: nothing more to read.
                Err(error) if reading.unreadable => Err(error),
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
                        reading.aborted_at = None;
                        Err(error)
                    }
                },
            }
        });
        // Ended by no field's value: the text is not JSON there (a missing comma, a bad
        // escape), and its error is returned as it is.
        if read.is_err() && reading.aborted_at.is_none() {
            reading.unreadable = true;
        }
        read
    }
}
