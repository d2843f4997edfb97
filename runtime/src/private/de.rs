//! One pass over any serde deserializer: only a map, every key classified, every problem
//! recorded with its path, no intermediate `Value` (so a repeated key cannot hide).

use core::fmt;
use core::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::Path;
use crate::{Patch, PatchError};

/// How a patch type classifies one key of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A writable field, by its index in the patch.
    Field(u16),
    /// A spelling of a server-only field.
    Forbidden,
    /// Anything else.
    Unknown,
}

/// The problems found so far in one document.
#[derive(Debug, Default)]
pub struct Collector {
    // Made on the first problem: a good document costs neither its construction nor its drop.
    error: Option<Box<PatchError>>,
    // Set once a type error has aborted the parse.
    aborted: bool,
}

impl Collector {
    fn error(&mut self) -> &mut PatchError {
        self.error.get_or_insert_with(Box::default)
    }

    fn invalid(&mut self, path: String, reason: String) {
        self.error().invalid.entry(path).or_insert(reason);
    }

    fn aborted_by(&mut self, path: String, reason: String) {
        // A type error aborts the parse and unwinds through every enclosing field: keep the
        // innermost one, which names the field that really is wrong.
        if !self.aborted {
            self.aborted = true;
            self.invalid(path, reason);
        }
    }

    fn into_error(self) -> Option<PatchError> {
        self.error.map(|error| *error)
    }
}

/// Deserializes a patch as serde's `Deserialize` does; every problem becomes one message.
pub fn deserialize<'de, P: Patch, D: Deserializer<'de>>(deserializer: D) -> Result<P, D::Error> {
    let mut collector = Collector::default();
    let patch =
        deserializer.deserialize_map(PatchVisitor::<P>(At::new(&mut collector, Path::ROOT)))?;
    match collector.into_error() {
        None => Ok(patch),
        Some(error) => Err(de::Error::custom(error)),
    }
}

/// Deserializes a patch from JSON bytes, its problems as data.
pub fn from_slice<P: Patch>(body: &[u8]) -> Result<P, PatchError> {
    // JSON is UTF-8 (RFC 8259, section 8.1). Reading bytes, serde_json checks each string on
    // its own, tens of instructions per key and per value; one check of the whole body costs
    // a fraction of that, and lets serde_json read it as text without checking again.
    match core::str::from_utf8(body) {
        Ok(text) => from_text(text),
        Err(error) => Err(not_utf8(&error)),
    }
}

#[cold]
#[inline(never)]
fn not_utf8(error: &core::str::Utf8Error) -> PatchError {
    PatchError {
        malformed: Some(format!("the body is not UTF-8: {error}")),
        ..PatchError::default()
    }
}

#[inline]
fn from_text<P: Patch>(body: &str) -> Result<P, PatchError> {
    let mut collector = Collector::default();
    let mut json = serde_json::Deserializer::from_str(body);
    let parsed = (&mut json)
        .deserialize_map(PatchVisitor::<P>(At::new(&mut collector, Path::ROOT)))
        .and_then(|patch| json.end().map(|()| patch));
    let aborted = collector.aborted;
    let error = collector.into_error();
    match (parsed, error) {
        (Ok(patch), None) => Ok(patch),
        (Ok(_), Some(error)) => Err(error),
        (Err(failure), error) => {
            let mut error = error.unwrap_or_default();
            if failure.is_syntax() || failure.is_eof() || failure.is_io() {
                error.malformed = Some(failure.to_string());
            } else if !aborted {
                // Not recorded by a field: the document itself has the wrong shape.
                error.invalid.insert(String::new(), failure.to_string());
            }
            Err(error)
        }
    }
}

/// Where the reader is: the problems so far and the path of the object being read. Each
/// serde role (map visitor, key seed, nested seed) is a newtype of it.
struct At<'c, 'p, P> {
    collector: &'c mut Collector,
    path: Path<'p>,
    marker: PhantomData<fn() -> P>,
}

impl<'c, 'p, P> At<'c, 'p, P> {
    fn new(collector: &'c mut Collector, path: Path<'p>) -> Self {
        At {
            collector,
            path,
            marker: PhantomData,
        }
    }
}

/// Reads an object into a patch.
struct PatchVisitor<'c, 'p, P>(At<'c, 'p, P>);

impl<'de, P: Patch> Visitor<'de> for PatchVisitor<'_, '_, P> {
    type Value = P;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "a JSON object with the writable fields of `{}`",
            P::__MODEL
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<P, A::Error> {
        let At {
            collector, path, ..
        } = self.0;
        let mut patch = P::default();
        while let Some(key) = map.next_key_seed(KeySeed::<P>(At::new(&mut *collector, path)))? {
            match key {
                Some(index) => patch.__field(index, &mut map, collector, path)?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(patch)
    }
}

/// Reads one key: a field index, or `None` for a key already recorded as a problem.
struct KeySeed<'c, 'p, P>(At<'c, 'p, P>);

impl<'de, P: Patch> DeserializeSeed<'de> for KeySeed<'_, '_, P> {
    type Value = Option<u16>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<u16>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de, P: Patch> Visitor<'de> for KeySeed<'_, '_, P> {
    type Value = Option<u16>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a field name")
    }

    #[inline]
    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<u16>, E> {
        match P::__key(key) {
            Key::Field(index) => Ok(Some(index)),
            refused => {
                refuse_key(self.0.collector, self.0.path, key, refused);
                Ok(None)
            }
        }
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Option<u16>, E> {
        match core::str::from_utf8(key) {
            Ok(key) => self.visit_str(key),
            Err(_) => {
                let key = String::from_utf8_lossy(key);
                refuse_key(self.0.collector, self.0.path, &key, Key::Unknown);
                Ok(None)
            }
        }
    }
}

// Kept out of line: the accepting path must stay small enough to inline.
#[cold]
#[inline(never)]
fn refuse_key(collector: &mut Collector, path: Path<'_>, key: &str, refused: Key) {
    let list = if refused == Key::Forbidden {
        &mut collector.error().forbidden
    } else {
        &mut collector.error().unknown
    };
    list.push(path.join_key(key));
}

/// Reads a required field (`T` in the model): `null` is refused.
#[inline]
pub fn required<'de, A, T>(
    slot: &mut Option<T>,
    map: &mut A,
    collector: &mut Collector,
    path: Path<'_>,
    name: &'static str,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    let read = read(slot.is_some(), map, collector, path, name, |map, _| {
        map.next_value::<Option<T>>()
    })?;
    refuse_null(read, slot, collector, path, name);
    Ok(())
}

/// Reads an optional field (`Option<T>` in the model): `null` clears it.
#[inline]
pub fn optional<'de, A, T>(
    slot: &mut Option<Option<T>>,
    map: &mut A,
    collector: &mut Collector,
    path: Path<'_>,
    name: &'static str,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    let read = read(slot.is_some(), map, collector, path, name, |map, _| {
        map.next_value::<Option<T>>()
    })?;
    if read.is_some() {
        *slot = read;
    }
    Ok(())
}

/// Reads a nested patch (`#[update(nested)]` on a `T`): `null` is refused.
#[inline]
pub fn nested<'de, A, P>(
    slot: &mut Option<P>,
    map: &mut A,
    collector: &mut Collector,
    path: Path<'_>,
    name: &'static str,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    P: Patch,
{
    let read = read(
        slot.is_some(),
        map,
        collector,
        path,
        name,
        |map, collector| map.next_value_seed(NestedSeed::<P>(At::new(collector, path.child(name)))),
    )?;
    refuse_null(read, slot, collector, path, name);
    Ok(())
}

/// Reads a nested patch of an `Option<T>` field: `null` clears it.
#[inline]
pub fn nested_optional<'de, A, P>(
    slot: &mut Option<Option<P>>,
    map: &mut A,
    collector: &mut Collector,
    path: Path<'_>,
    name: &'static str,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    P: Patch,
{
    let read = read(
        slot.is_some(),
        map,
        collector,
        path,
        name,
        |map, collector| map.next_value_seed(NestedSeed::<P>(At::new(collector, path.child(name)))),
    )?;
    if read.is_some() {
        *slot = read;
    }
    Ok(())
}

/// Reads one value, `None` for `null`, with what every field shares: a repeated key is
/// recorded and skipped (the outer `None`), a type error is recorded with the field's path.
#[inline]
fn read<'de, A, V>(
    seen: bool,
    map: &mut A,
    collector: &mut Collector,
    path: Path<'_>,
    name: &'static str,
    value: impl FnOnce(&mut A, &mut Collector) -> Result<Option<V>, A::Error>,
) -> Result<Option<Option<V>>, A::Error>
where
    A: MapAccess<'de>,
{
    if is_repeat(seen, map, collector, path, name)? {
        return Ok(None);
    }
    match value(map, collector) {
        Ok(value) => Ok(Some(value)),
        Err(error) => Err(record(collector, path, name, error)),
    }
}

/// Stores a value read for a field that is not optional; `null` is recorded as invalid.
#[inline]
fn refuse_null<V>(
    read: Option<Option<V>>,
    slot: &mut Option<V>,
    collector: &mut Collector,
    path: Path<'_>,
    name: &'static str,
) {
    match read {
        Some(Some(value)) => *slot = Some(value),
        Some(None) => collector.invalid(
            path.join_key(name),
            "null is not allowed: the field is not optional".to_owned(),
        ),
        None => {}
    }
}

/// A key seen before is recorded and its value skipped: the first value is kept but the
/// document is refused, since a repeated key is how one value hides behind another.
#[inline]
fn is_repeat<'de, A: MapAccess<'de>>(
    seen: bool,
    map: &mut A,
    collector: &mut Collector,
    path: Path<'_>,
    name: &'static str,
) -> Result<bool, A::Error> {
    if seen {
        collector.error().duplicate.push(path.join_key(name));
        map.next_value::<IgnoredAny>()?;
    }
    Ok(seen)
}

#[cold]
#[inline(never)]
fn record<E: fmt::Display>(collector: &mut Collector, path: Path<'_>, name: &str, error: E) -> E {
    collector.aborted_by(path.join_key(name), error.to_string());
    error
}

/// A nested patch or `null`.
struct NestedSeed<'c, 'p, P>(At<'c, 'p, P>);

impl<'de, P: Patch> DeserializeSeed<'de> for NestedSeed<'_, '_, P> {
    type Value = Option<P>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<P>, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, P: Patch> Visitor<'de> for NestedSeed<'_, '_, P> {
    type Value = Option<P>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "a JSON object with the writable fields of `{}`, or null",
            P::__MODEL
        )
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<P>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<P>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<P>, D::Error> {
        deserializer
            .deserialize_map(PatchVisitor::<P>(self.0))
            .map(Some)
    }
}
