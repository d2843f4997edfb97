//! The one object visitor: it reads an object key by key into the fields of a patch, each key
//! classified by the patch, each writable field's value through the field's reader. What
//! differs between the readers is only how a value is read ([`Source`], in `fields.rs`), a
//! type parameter, so that a nested object is read the way its document is; the sources are
//! here.

use core::fmt;
use core::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::{Fields, Key, Path, Reading, Source};

/// Reads an object into a patch: the document, or a nested object at `path`; its values as
/// the source `S` reads them.
pub(super) struct ObjectVisitor<'x, 'c, 'p, P, S> {
    patch: &'x mut P,
    reading: &'c mut Reading,
    path: Path<'p>,
    source: PhantomData<fn() -> S>,
}

impl<'x, 'c, 'p, P, S> ObjectVisitor<'x, 'c, 'p, P, S> {
    pub(super) fn new(patch: &'x mut P, reading: &'c mut Reading, path: Path<'p>) -> Self {
        ObjectVisitor {
            patch,
            reading,
            path,
            source: PhantomData,
        }
    }
}

impl<'de, P: Fields, S: Source> Visitor<'de> for ObjectVisitor<'_, '_, '_, P, S> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "a JSON object with the writable fields of `{}`",
            P::MODEL
        )
    }

    // Not `#[inline]`: inlined into serde_json's `deserialize_map`, the first pass costs
    // about 70 instructions more per create input (measured with scripts/callgrind.sh).
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        S::object(self.patch, map, self.reading, self.path)
    }
}

/// `from_json`'s first pass: every value read in place, and the first error ends the
/// document (the second pass, `json.rs`, then lists every problem).
pub enum FirstPass {}

impl Source for FirstPass {
    #[inline]
    fn object<'de, P: Fields, A: MapAccess<'de>>(
        patch: &mut P,
        mut map: A,
        reading: &mut Reading,
        path: Path<'_>,
    ) -> Result<(), A::Error> {
        let mut at = (reading, path);
        while let Some(key) = map.next_key_seed(KeySeed::<P>::new(&mut at))? {
            match key {
                Some(index) => patch.field::<Self, A>(index, &mut map, at.0, at.1)?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// One value at a time (`from_json`'s second pass, and forms): each value read from a
/// deserializer of its own, so that a value's error stops that value only; how a format
/// hands over a value on its own is `F`'s.
pub struct OneAtATime<F>(PhantomData<F>);

/// How a format hands the value of one key to a field's reader on its own.
pub trait OnItsOwn: 'static {
    /// Reads the next value of `map` into the field `index` of `patch`, from a deserializer
    /// of its own: an error of the value is recorded by the field and ends that value only.
    fn field<'de, P: Fields, A: MapAccess<'de>>(
        patch: &mut P,
        index: u16,
        map: &mut A,
        reading: &mut Reading,
        path: Path<'_>,
    ) -> Result<(), A::Error>;
}

impl<F: OnItsOwn> Source for OneAtATime<F> {
    fn object<'de, P: Fields, A: MapAccess<'de>>(
        patch: &mut P,
        mut map: A,
        reading: &mut Reading,
        path: Path<'_>,
    ) -> Result<(), A::Error> {
        each_key::<P, A, _>(&mut map, reading, path, |map, index, reading| {
            F::field(patch, index, map, reading, path)
        })
    }
}

/// The key loop of the sources that go on after a refused value (one at a time, and the
/// stream): each says how it reads one field's value and what an error of it means; the loop
/// does what both share: classify each key, and list a repeat of a key whose value was
/// refused.
///
/// Reads every key of the object in `map` (at `path`) into fields `P`: a writable field's
/// value through `read` (an error of it ends the object), any other key's value skipped.
#[inline]
pub(super) fn each_key<'de, P, A, F>(
    map: &mut A,
    reading: &mut Reading,
    path: Path<'_>,
    mut read: F,
) -> Result<(), A::Error>
where
    P: Fields,
    A: MapAccess<'de>,
    F: FnMut(&mut A, u16, &mut Reading) -> Result<(), A::Error>,
{
    let mut at = (reading, path);
    while let Some(key) = map.next_key_seed(KeySeed::<P>::new(&mut at))? {
        let reading = &mut *at.0;
        // One test per key while the document is clean (most are): nothing was refused yet.
        if !reading.errors.is_clean() && after_a_problem::<P>(reading, path, key) {
            map.next_value::<IgnoredAny>()?;
            continue;
        }
        match key {
            Some(index) => read(map, index, reading)?,
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
fn after_a_problem<P: Fields>(reading: &mut Reading, path: Path<'_>, key: Option<u16>) -> bool {
    // The value before this key, if it was refused, was read to its end: an error from here
    // on is not its own.
    reading.aborted_at = None;
    // A field whose first value was refused holds nothing, so its reader would take a second
    // value as the first: its refusal is what remembers that it was seen.
    match key {
        Some(index) if reading.errors.was_refused(path, P::wire(index)) => {
            reading.errors.duplicate(path.join_key(P::wire(index)));
            true
        }
        _ => false,
    }
}

/// Reads one key: a field index, or `None` for a key already recorded as a problem. One
/// word: where to record a refused key.
pub(super) struct KeySeed<'a, 'c, 'p, P>(
    &'a mut (&'c mut Reading, Path<'p>),
    PhantomData<fn() -> P>,
);

impl<'a, 'c, 'p, P> KeySeed<'a, 'c, 'p, P> {
    pub(super) fn new(at: &'a mut (&'c mut Reading, Path<'p>)) -> Self {
        KeySeed(at, PhantomData)
    }
}

impl<'de, P: Fields> DeserializeSeed<'de> for KeySeed<'_, '_, '_, P> {
    type Value = Option<u16>;

    // Not `#[inline]`: inlined into `visit_map` it costs about 170 instructions more per
    // document (measured with scripts/callgrind.sh).
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<u16>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de, P: Fields> Visitor<'de> for KeySeed<'_, '_, '_, P> {
    type Value = Option<u16>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a field name")
    }

    #[inline]
    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<u16>, E> {
        match P::key(key) {
            Key::Field(index) => Ok(Some(index)),
            refused => {
                self.0 .0.errors.refuse_key(self.0 .1, key, refused);
                Ok(None)
            }
        }
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Option<u16>, E> {
        match core::str::from_utf8(key) {
            Ok(key) => self.visit_str(key),
            Err(_) => {
                let key = String::from_utf8_lossy(key);
                self.0 .0.errors.refuse_key(self.0 .1, &key, Key::Unknown);
                Ok(None)
            }
        }
    }
}
