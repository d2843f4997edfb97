//! JSON text, read by `from_json`: a first pass that stops at the first error (a good
//! document, the common case, is read once at serde_json's speed), then, only for a refused
//! document, a second pass over the same text that reads every value on its own, so that one
//! wrong value hides no other problem: every forbidden, unknown and repeated key and every
//! invalid value of the document is listed, whatever comes before it.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess};
use serde_json::value::RawValue;

use super::collector::without_position;
use super::input::finish;
use super::object::{FirstPass, ObjectVisitor, OnItsOwn, OneAtATime};
use super::{Fields, Input, Path, Reading};
use crate::error::PatchError;

/// Reads a patch or create input from JSON text (already known to be UTF-8), its problems as
/// data.
#[inline]
pub(crate) fn from_json_str<D: Input>(body: &str) -> Result<D, PatchError> {
    let mut reading = Reading::new(D::CREATING);
    let mut json = serde_json::Deserializer::from_str(body);
    // Filled in place: the fields are moved once, into the result, however deep the reader.
    let mut fields = D::Fields::default();
    let parsed = (&mut json)
        .deserialize_map(ObjectVisitor::<_, FirstPass>::new(
            &mut fields,
            &mut reading,
            Path::ROOT,
        ))
        .and_then(|()| json.end());
    if parsed.is_err() || !reading.errors.is_clean() {
        reading = refused(body, &mut fields, reading, parsed.err());
    }
    finish(fields, reading.errors)
}

/// Every problem of a refused document; `fields` then holds every value that was valid.
#[cold]
#[inline(never)]
fn refused<F: Fields>(
    body: &str,
    fields: &mut F,
    mut reading: Reading,
    mut failure: Option<serde_json::Error>,
) -> Reading {
    let syntax =
        |failure: &serde_json::Error| failure.is_syntax() || failure.is_eof() || failure.is_io();
    // A value of the wrong type stopped the parse, or a refused value left its field empty
    // (so that a repeat of its key went unnoticed): read the document again, each value on
    // its own and every key's first value remembered, so that nothing goes unreported.
    let refused_value = reading.errors.refused_a_value();
    let aborted = reading.aborted_at.is_some();
    let rescan = (aborted || refused_value) && !failure.as_ref().is_some_and(syntax);
    if rescan {
        reading = Reading::new(reading.creating);
        *fields = F::default();
        failure = read_again(body, fields, &mut reading).err();
    }
    let recorded_by_a_field = aborted || rescan;
    if let Some(failure) = failure.as_ref().filter(|failure| syntax(failure)) {
        reading.abort_was_syntax(failure.to_string());
    }
    if let Some(failure) = failure {
        if !syntax(&failure) && !recorded_by_a_field {
            // Not recorded by a field: the document itself has the wrong shape.
            reading.errors.invalid(String::new(), failure.to_string());
        }
    }
    // Even a document with no problem recorded is refused here (the parse failed).
    reading.errors.refuse();
    reading
}

/// Reads `body` again into `fields` (fresh ones), recording every problem in `reading` (a
/// fresh one); the syntax error that ends the document early, if any.
#[cold]
#[inline(never)]
fn read_again<P: Fields>(
    body: &str,
    fields: &mut P,
    reading: &mut Reading,
) -> Result<(), serde_json::Error> {
    let mut json = serde_json::Deserializer::from_str(body);
    let visitor = ObjectVisitor::<_, OneAtATime<Json>>::new(fields, reading, Path::ROOT);
    de::Deserializer::deserialize_map(&mut json, visitor)?;
    json.end()
}

/// JSON's value on its own: its text (a `RawValue`), read by a deserializer of its own.
pub enum Json {}

impl OnItsOwn for Json {
    fn field<'de, P: Fields, A: MapAccess<'de>>(
        patch: &mut P,
        index: u16,
        map: &mut A,
        reading: &mut Reading,
        path: Path<'_>,
    ) -> Result<(), A::Error> {
        let raw: &'de RawValue = map.next_value()?;
        // The reader records the value's error with its path; it ends this value only,
        // unless the value is not JSON at all (a lone surrogate escape, say).
        let value = &mut OneValue(Some(raw));
        if let Err(error) = patch.field::<OneAtATime<Self>, _>(index, value, reading, path) {
            if error.is_syntax() || error.is_eof() {
                let at = path.join_key(P::wire(index));
                let reason = without_position(error.to_string());
                reading.abort_was_syntax(format!("{reason} in the value of `{at}`"));
            }
        }
        Ok(())
    }
}

/// The value of one key, read from its own text: what a field's reader sees in the scan.
struct OneValue<'de>(Option<&'de RawValue>);

impl<'de> MapAccess<'de> for OneValue<'de> {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        _seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        let raw = self
            .0
            .take()
            .ok_or_else(|| de::Error::custom("a value is read once"))?;
        let mut json = serde_json::Deserializer::from_str(raw.get());
        let value = seed.deserialize(&mut json)?;
        json.end()?;
        Ok(value)
    }
}
