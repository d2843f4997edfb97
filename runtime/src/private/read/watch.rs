//! How far a refused value was read: what the streaming reader (`stream.rs`) must know before
//! it reads the next key.
//!
//! A deserializer reports a type error in a scalar (a string, a number, `true`, `null`) after
//! reading the whole scalar, so the next key can be read. An error inside an array or object
//! (an element of the wrong type, a length check, the model's own function giving up halfway)
//! leaves the deserializer somewhere inside the value: what it would read next as a key may be
//! an element of that array. An error before the value was understood at all (text that is
//! not JSON: a bad escape, a lone surrogate, bytes that are not UTF-8) leaves it anywhere.
//! The value's deserializer is wrapped so that its visitor notes which of these happened
//! ([`Seen`]).
//!
//! Only the outermost level of the value is wrapped (what it was is all the reader needs), so
//! the elements of an array are read at the deserializer's own speed.

use core::cell::Cell;
use core::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Visitor};

/// What the visitor of a value was handed, as far as the reader after an error must know.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum Seen {
    /// Nothing: an error now is the deserializer's own (the text is not JSON there), and the
    /// value may be read in part.
    #[default]
    Nothing,
    /// A scalar, or the description of what the visitor expects (a deserializer formats it
    /// into a type error it found without calling the visitor): the value was read whole, or
    /// (an array or object refused where a scalar belongs) not at all.
    Scalar,
    /// A sequence, a map or an enum: an error now may leave the deserializer inside it.
    Compound,
}

/// The map of an object, through which a field's reader reads its value watched: `seen` says
/// what the value's visitor was handed.
pub(super) struct Watch<'m, 'e, A> {
    map: &'m mut A,
    seen: &'e Cell<Seen>,
}

impl<'m, 'e, A> Watch<'m, 'e, A> {
    pub(super) fn new(map: &'m mut A, seen: &'e Cell<Seen>) -> Self {
        Watch { map, seen }
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Watch<'_, '_, A> {
    type Error = A::Error;

    // A field's reader reads values only; a key is read by the loop around it.
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.map.next_key_seed(seed)
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(Watched {
            inner: seed,
            seen: self.seen,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// A seed, a deserializer or a visitor (`inner`), watched.
struct Watched<'e, T> {
    inner: T,
    seen: &'e Cell<Seen>,
}

impl<'e, T> Watched<'e, T> {
    fn wrap<U>(&self, inner: U) -> Watched<'e, U> {
        Watched {
            inner,
            seen: self.seen,
        }
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Watched<'_, S> {
    type Value = S::Value;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        let deserializer = self.wrap(deserializer);
        self.inner.deserialize(deserializer)
    }
}

/// Each `deserialize_*` of the watched deserializer: the same call, the visitor watched.
macro_rules! watch_deserialize {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        #[inline]
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            let visitor = self.wrap(visitor);
            self.inner.$method($($arg,)* visitor)
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Watched<'_, D> {
    type Error = D::Error;

    watch_deserialize! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
        deserialize_ignored_any();
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// Each scalar `visit_*` of the watched visitor: noted, then the same call.
macro_rules! forward_visit {
    ($($method:ident($ty:ty);)*) => {$(
        #[inline]
        fn $method<E: de::Error>(self, value: $ty) -> Result<V::Value, E> {
            self.seen.set(Seen::Scalar);
            self.inner.$method(value)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Watched<'_, V> {
    type Value = V::Value;

    // Called only to word an error: a type error the deserializer found in the value itself
    // (serde_json's `"x"` for a number, read whole, or `[` for a number, left unread).
    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.seen.get() == Seen::Nothing {
            self.seen.set(Seen::Scalar);
        }
        self.inner.expecting(formatter)
    }

    forward_visit! {
        visit_bool(bool);
        visit_i8(i8);
        visit_i16(i16);
        visit_i32(i32);
        visit_i64(i64);
        visit_i128(i128);
        visit_u8(u8);
        visit_u16(u16);
        visit_u32(u32);
        visit_u64(u64);
        visit_u128(u128);
        visit_f32(f32);
        visit_f64(f64);
        visit_char(char);
        visit_str(&str);
        visit_borrowed_str(&'de str);
        visit_string(String);
        visit_bytes(&[u8]);
        visit_borrowed_bytes(&'de [u8]);
        visit_byte_buf(Vec<u8>);
    }

    #[inline]
    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.seen.set(Seen::Scalar);
        self.inner.visit_none()
    }

    #[inline]
    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.seen.set(Seen::Scalar);
        self.inner.visit_unit()
    }

    // `Some(x)` and a newtype are still the value itself: keep watching.
    #[inline]
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        let deserializer = self.wrap(deserializer);
        self.inner.visit_some(deserializer)
    }

    #[inline]
    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<V::Value, D::Error> {
        let deserializer = self.wrap(deserializer);
        self.inner.visit_newtype_struct(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.seen.set(Seen::Compound);
        self.inner.visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.seen.set(Seen::Compound);
        self.inner.visit_map(map)
    }

    // An enum may be a string (`"Red"`, read whole) or an object (`{"Rgb":[...]}`), and a
    // deserializer does not say which: a compound either way.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.seen.set(Seen::Compound);
        self.inner.visit_enum(data)
    }
}
