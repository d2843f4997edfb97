//! How each writable field reads its value. A field's reader is a pair of small types that
//! the derive names in the generated `Fields::field`, one pair per field shape (`ast.rs`'s
//! `Shape`): how its value is read ([`ReadValue`]: [`Serde`], [`With`], [`Nested`]) and what
//! `null` means for it ([`Null`]: [`Refused`], [`Clears`], [`Guarded`]). The driver,
//! [`field`], does what every field shares: a repeated key, `null`, a type error.
//!
//! | field | value | `null` |
//! |---|---|---|
//! | `T` | `Serde<T>` | `Refused` |
//! | `Option<T>` | `Serde<T>` | `Clears` |
//! | `T`, `Option<T>` with `deserialize_with` `W` | `With<W>` | `Refused`, `Clears` |
//! | `#[update(nested)] T` | `Nested<T's patch>` | `Refused` |
//! | `#[update(nested)] Option<T>` | `Nested<T's patch>` | `Guarded`, or `Clears` with `clear` |

use core::fmt;
use core::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::object::ObjectVisitor;
use super::{Fields, Path, Reading, Source};

/// Reads the value of one writable field into its slot of the patch (called by the generated
/// `Fields::field`, once per key of the document that names a writable field): the value as
/// `V` reads it, `null` as `N` says. A value read is written as the slot holds it (`T` as it
/// is, or as `Some` where the slot holds an `Option`: the `Into` of the standard library).
#[inline(always)]
pub fn field<'de, V, N, S, A, T>(
    slot: &mut Option<T>,
    map: &mut A,
    reading: &mut Reading,
    path: Path<'_>,
    name: &'static str,
) -> Result<(), A::Error>
where
    V: ReadValue<'de>,
    V::Value: Into<T>,
    N: Null<T>,
    S: Source,
    A: MapAccess<'de>,
{
    if slot.is_some() {
        // The first value is kept but the document is refused: a repeated key is how one
        // value hides behind another.
        map.next_value::<IgnoredAny>()?;
        reading.errors.duplicate(path.join_key(name));
        return Ok(());
    }
    match V::read::<S, A>(map, reading, path.child(name)) {
        Ok(Some(value)) => *slot = Some(value.into()),
        Ok(None) => match N::null(path.child(name), reading.creating) {
            Ok(cleared) => *slot = Some(cleared),
            Err(reason) => reading.errors.invalid(path.join_key(name), reason),
        },
        Err(error) => return Err(record(reading, path, name, error)),
    }
    Ok(())
}

#[cold]
#[inline(never)]
fn record<E: fmt::Display>(reading: &mut Reading, path: Path<'_>, name: &str, error: E) -> E {
    reading.aborted_by(path.join_key(name), error.to_string());
    error
}

/// How a field's value is read: the first half of its reader.
pub trait ReadValue<'de> {
    /// The value read.
    type Value;

    /// Reads the value of the field at `path` out of `map`: `None` for `null` (what `null`
    /// means is the field's [`Null`]); a nested object as the source `S` reads its document.
    fn read<S: Source, A: MapAccess<'de>>(
        map: &mut A,
        reading: &mut Reading,
        path: Path<'_>,
    ) -> Result<Option<Self::Value>, A::Error>;
}

/// A value read by its type's own `Deserialize`.
pub struct Serde<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> ReadValue<'de> for Serde<T> {
    type Value = T;

    #[inline]
    fn read<S: Source, A: MapAccess<'de>>(
        map: &mut A,
        _: &mut Reading,
        _: Path<'_>,
    ) -> Result<Option<T>, A::Error> {
        map.next_value::<Option<T>>()
    }
}

/// A value read through the model's `#[serde(deserialize_with)]` function, named by `W`.
pub struct With<W>(PhantomData<W>);

impl<'de, W: DeserializeWith<'de>> ReadValue<'de> for With<W> {
    type Value = W::Value;

    #[inline]
    fn read<S: Source, A: MapAccess<'de>>(
        map: &mut A,
        _: &mut Reading,
        _: Path<'_>,
    ) -> Result<Option<W::Value>, A::Error> {
        map.next_value_seed(WithSeed::<W>(PhantomData))
    }
}

/// `#[update(nested)]`: an object read as the patch `P` of the sub-model, at the field's path.
pub struct Nested<P>(PhantomData<P>);

impl<'de, P: Fields> ReadValue<'de> for Nested<P> {
    type Value = P;

    #[inline]
    fn read<S: Source, A: MapAccess<'de>>(
        map: &mut A,
        reading: &mut Reading,
        path: Path<'_>,
    ) -> Result<Option<P>, A::Error> {
        map.next_value_seed(NestedSeed::<P, S>::new(reading, path))
    }
}

/// What `null` means for a field whose slot holds a `T`: the second half of its reader.
pub trait Null<T> {
    /// What `null` writes into the field at `path`, or why the field refuses it; `creating`
    /// when the document creates the model (nothing exists that `null` could erase).
    fn null(path: Path<'_>, creating: bool) -> Result<T, String>;
}

/// `null` is refused: the field is not optional.
pub enum Refused {}

impl<T> Null<T> for Refused {
    fn null(_: Path<'_>, _: bool) -> Result<T, String> {
        Err(not_optional())
    }
}

#[cold]
#[inline(never)]
fn not_optional() -> String {
    "null is not allowed: the field is not optional".to_owned()
}

/// `null` clears the field (RFC 7396).
pub enum Clears {}

impl<T> Null<Option<T>> for Clears {
    #[inline]
    fn null(_: Path<'_>, _: bool) -> Result<Option<T>, String> {
        Ok(None)
    }
}

/// A nested `Option` field without `clear`: `null` clears it, unless the sub-model (its patch
/// `P`) has a server-only or role-gated field at any depth, which clearing would erase.
pub enum Guarded {}

impl<P: Fields> Null<Option<P>> for Guarded {
    fn null(path: Path<'_>, creating: bool) -> Result<Option<P>, String> {
        if P::PROTECTED && !creating {
            Err(would_erase::<P>(path))
        } else {
            Ok(None)
        }
    }
}

/// Why `null` may not clear the nested field at `path` whose patch is `P`: what it would
/// erase.
#[cold]
#[inline(never)]
pub fn would_erase<P: Fields>(path: Path<'_>) -> String {
    let mut protected = Vec::new();
    P::protected(path, &mut protected);
    format!(
        "null is not allowed: clearing the field would erase protected fields ({})",
        protected.join(", ")
    )
}

/// A `#[serde(deserialize_with = "...")]` (or `with`) function of the model, named by a
/// type the derive generates for the field, so that the patch reads the field through the
/// same function as the model does.
pub trait DeserializeWith<'de> {
    /// The field's type: what the function returns.
    type Value;

    /// Calls the model's function.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self::Value, D::Error>;
}

/// `null`, or a value read by `W`.
struct WithSeed<W>(PhantomData<W>);

impl<'de, W: DeserializeWith<'de>> DeserializeSeed<'de> for WithSeed<W> {
    type Value = Option<W::Value>;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, W: DeserializeWith<'de>> Visitor<'de> for WithSeed<W> {
    type Value = Option<W::Value>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a value or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    #[inline]
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        W::deserialize(deserializer).map(Some)
    }
}

/// `null`, or a nested patch read at `path` as the source `S` reads its document.
struct NestedSeed<'c, 'p, P, S> {
    reading: &'c mut Reading,
    path: Path<'p>,
    marker: PhantomData<fn() -> (P, S)>,
}

impl<'c, 'p, P, S> NestedSeed<'c, 'p, P, S> {
    fn new(reading: &'c mut Reading, path: Path<'p>) -> Self {
        NestedSeed {
            reading,
            path,
            marker: PhantomData,
        }
    }
}

impl<'de, P: Fields, S: Source> DeserializeSeed<'de> for NestedSeed<'_, '_, P, S> {
    type Value = Option<P>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<P>, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, P: Fields, S: Source> Visitor<'de> for NestedSeed<'_, '_, P, S> {
    type Value = Option<P>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "a JSON object with the writable fields of `{}`, or null",
            P::MODEL
        )
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<P>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<P>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<P>, D::Error> {
        let mut patch = P::default();
        let visitor = ObjectVisitor::<P, S>::new(&mut patch, self.reading, self.path);
        deserializer.deserialize_map(visitor)?;
        Ok(Some(patch))
    }
}
