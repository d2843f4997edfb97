//! A patch read from values the caller finds one at a time, each by its field's own reader as
//! in a merge patch: how a JSON Patch that only sets fields (`add`, `replace`) is read in one
//! pass over its operations, without a merge patch's text to read again.

use serde::de::MapAccess;

use super::object::FirstPass;
use super::{Fields, Path, Reading};

/// The patch being read, and its reading.
pub(crate) struct FieldReader<P> {
    fields: P,
    reading: Reading,
}

impl<P: Fields> FieldReader<P> {
    pub(crate) fn new() -> Self {
        FieldReader {
            fields: P::default(),
            reading: Reading::new(false),
        }
    }

    /// Reads the field at `index` from the value `map` is at.
    #[inline]
    pub(crate) fn read<'de, A: MapAccess<'de>>(
        &mut self,
        index: u16,
        map: &mut A,
    ) -> Result<(), A::Error> {
        self.fields
            .field::<FirstPass, A>(index, map, &mut self.reading, Path::ROOT)
    }

    /// The patch, when every value was read without a problem (a repeated field, a `null` or a
    /// value the field does not take: the caller reads the document again to report them).
    pub(crate) fn finish(self) -> Option<P> {
        self.reading.errors.is_clean().then_some(self.fields)
    }
}
