//! How each writable field reads its value. The derive gives every field a shape (its
//! `ast.rs`, `Shape`) and names the reader of that shape in the generated `__field`; the
//! driver, [`field`], does what every field shares: a repeated key, `null`, a type error.

use core::fmt;
use core::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::object::{ObjectVisitor, Source};
use super::{Path, Reading};
use crate::Patch;

/// What the document says about one field.
pub enum Read<V> {
    /// The key was seen before: refused, its value skipped.
    Repeated,
    /// `null`: clears the field or is refused, as [`Reader::null`] says.
    Null,
    /// A value to write.
    Value(V),
}

impl<V> From<Option<V>> for Read<V> {
    #[inline]
    fn from(value: Option<V>) -> Self {
        match value {
            Some(value) => Read::Value(value),
            None => Read::Null,
        }
    }
}

/// How one shape of field reads its value.
pub trait Reader<'de> {
    /// What the patch holds for the field when the document writes it.
    type Value;

    /// Reads the value of the field `name` of the object at `path`: [`Read::Null`] or
    /// [`Read::Value`]; a nested object as the source `S` reads its document.
    fn read<S: Source, A: MapAccess<'de>>(
        map: &mut A,
        reading: &mut Reading,
        path: Path<'_>,
        name: &'static str,
    ) -> Result<Read<Self::Value>, A::Error>;

    /// What `null` writes into the field at `path`, or why the field refuses it; `creating`
    /// when the document creates the model (nothing exists that `null` could erase).
    fn null(path: Path<'_>, creating: bool) -> Result<Self::Value, String>;
}

/// Reads the value of one writable field into its slot of the patch (called by the generated
/// `__field`, once per key of the document that names a writable field).
#[inline(always)]
pub fn field<'de, R, S, A>(
    slot: &mut Option<R::Value>,
    map: &mut A,
    reading: &mut Reading,
    path: Path<'_>,
    name: &'static str,
) -> Result<(), A::Error>
where
    R: Reader<'de>,
    S: Source,
    A: MapAccess<'de>,
{
    let read = if slot.is_some() {
        // The first value is kept but the document is refused: a repeated key is how one
        // value hides behind another.
        map.next_value::<IgnoredAny>()?;
        Read::Repeated
    } else {
        match R::read::<S, A>(map, reading, path, name) {
            Ok(read) => read,
            Err(error) => return Err(record(reading, path, name, error)),
        }
    };
    match read {
        Read::Value(value) => *slot = Some(value),
        Read::Null => match R::null(path.child(name), reading.creating) {
            Ok(cleared) => *slot = Some(cleared),
            Err(reason) => reading.errors.invalid(path.join_key(name), reason),
        },
        Read::Repeated => reading.errors.duplicate(path.join_key(name)),
    }
    Ok(())
}

#[cold]
#[inline(never)]
fn record<E: fmt::Display>(reading: &mut Reading, path: Path<'_>, name: &str, error: E) -> E {
    reading.aborted_by(path.join_key(name), error.to_string());
    error
}

#[cold]
#[inline(never)]
fn not_optional() -> String {
    "null is not allowed: the field is not optional".to_owned()
}

/// `T`: a value replaces the field; `null` is refused.
pub struct Plain<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Reader<'de> for Plain<T> {
    type Value = T;

    #[inline]
    fn read<S: Source, A: MapAccess<'de>>(
        map: &mut A,
        _: &mut Reading,
        _: Path<'_>,
        _: &'static str,
    ) -> Result<Read<T>, A::Error> {
        map.next_value::<Option<T>>().map(Read::from)
    }

    fn null(_: Path<'_>, _: bool) -> Result<T, String> {
        Err(not_optional())
    }
}

/// `Option<T>`: a value sets the field, `null` clears it (RFC 7396).
pub struct Clearable<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Reader<'de> for Clearable<T> {
    type Value = Option<T>;

    #[inline]
    fn read<S: Source, A: MapAccess<'de>>(
        map: &mut A,
        _: &mut Reading,
        _: Path<'_>,
        _: &'static str,
    ) -> Result<Read<Option<T>>, A::Error> {
        Ok(match map.next_value::<Option<T>>()? {
            Some(value) => Read::Value(Some(value)),
            None => Read::Null,
        })
    }

    #[inline]
    fn null(_: Path<'_>, _: bool) -> Result<Option<T>, String> {
        Ok(None)
    }
}

/// `#[update(nested)] T`: an object is the patch `P` of `T`, merged in; `null` is refused.
pub struct Nested<P>(PhantomData<P>);

impl<'de, P: Patch> Reader<'de> for Nested<P> {
    type Value = P;

    #[inline]
    fn read<S: Source, A: MapAccess<'de>>(
        map: &mut A,
        reading: &mut Reading,
        path: Path<'_>,
        name: &'static str,
    ) -> Result<Read<P>, A::Error> {
        map.next_value_seed(NestedSeed::<P, S>::new(reading, path.child(name)))
            .map(Read::from)
    }

    fn null(_: Path<'_>, _: bool) -> Result<P, String> {
        Err(not_optional())
    }
}

/// `#[update(nested)] Option<T>`: an object is the patch `P` of `T`, merged into the current
/// value; `null` clears the field. `GUARDED` (no `clear` on the field): `null` is refused when
/// `T` has a server-only or role-gated field at any depth, since clearing erases it.
pub struct NestedClearable<P, const GUARDED: bool>(PhantomData<P>);

impl<'de, P: Patch, const GUARDED: bool> Reader<'de> for NestedClearable<P, GUARDED> {
    type Value = Option<P>;

    #[inline]
    fn read<S: Source, A: MapAccess<'de>>(
        map: &mut A,
        reading: &mut Reading,
        path: Path<'_>,
        name: &'static str,
    ) -> Result<Read<Option<P>>, A::Error> {
        Ok(
            match map.next_value_seed(NestedSeed::<P, S>::new(reading, path.child(name)))? {
                Some(patch) => Read::Value(Some(patch)),
                None => Read::Null,
            },
        )
    }

    fn null(path: Path<'_>, creating: bool) -> Result<Option<P>, String> {
        if GUARDED && P::__PROTECTED && !creating {
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
pub fn would_erase<P: Patch>(path: Path<'_>) -> String {
    let mut protected = Vec::new();
    P::__protected(path, &mut protected);
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

/// A `T` field read through the model's function `W`; `null` is refused.
pub struct With<W>(PhantomData<W>);

impl<'de, W: DeserializeWith<'de>> Reader<'de> for With<W> {
    type Value = W::Value;

    #[inline]
    fn read<S: Source, A: MapAccess<'de>>(
        map: &mut A,
        _: &mut Reading,
        _: Path<'_>,
        _: &'static str,
    ) -> Result<Read<W::Value>, A::Error> {
        map.next_value_seed(WithSeed::<W>(PhantomData))
            .map(Read::from)
    }

    fn null(_: Path<'_>, _: bool) -> Result<W::Value, String> {
        Err(not_optional())
    }
}

/// An `Option<T>` field read through the model's function `W`: `null` clears it (RFC 7396)
/// without calling `W`; any other value goes through `W`, which may itself give `None`.
pub struct WithClearable<W>(PhantomData<W>);

impl<'de, W, T> Reader<'de> for WithClearable<W>
where
    W: DeserializeWith<'de, Value = Option<T>>,
{
    type Value = Option<T>;

    #[inline]
    fn read<S: Source, A: MapAccess<'de>>(
        map: &mut A,
        _: &mut Reading,
        _: Path<'_>,
        _: &'static str,
    ) -> Result<Read<Option<T>>, A::Error> {
        map.next_value_seed(WithSeed::<W>(PhantomData))
            .map(Read::from)
    }

    #[inline]
    fn null(_: Path<'_>, _: bool) -> Result<Option<T>, String> {
        Ok(None)
    }
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

impl<'de, P: Patch, S: Source> DeserializeSeed<'de> for NestedSeed<'_, '_, P, S> {
    type Value = Option<P>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<P>, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, P: Patch, S: Source> Visitor<'de> for NestedSeed<'_, '_, P, S> {
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
        let mut patch = P::default();
        let visitor = ObjectVisitor::<P, S>::new(&mut patch, self.reading, self.path);
        deserializer.deserialize_map(visitor)?;
        Ok(Some(patch))
    }
}
