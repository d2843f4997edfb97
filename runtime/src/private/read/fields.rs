//! What the object visitor (`object.rs`) reads into: the fields of a
//! patch, or of two patches side by side ([`Pair`], for a create input with extra inputs),
//! so that one object is read once with every refusal of a patch.

use serde::de::MapAccess;

use super::object::Source;
use super::{Key, Path, Reading};
use crate::Patch;

/// The writable fields of one object, as a reader sees them.
pub trait Fields: Default {
    /// The model's name, for messages.
    const MODEL: &'static str;
    /// How many fields [`Fields::key`] may name.
    const COUNT: usize;

    /// Classifies one key of the object.
    fn key(key: &str) -> Key;

    /// The wire name of the field `index`, for messages.
    fn wire(index: u16) -> &'static str;

    /// Reads the value of the field `index` out of `map` (a nested object as `S` reads it).
    fn field<'de, S: Source, A: MapAccess<'de>>(
        &mut self,
        index: u16,
        map: &mut A,
        reading: &mut Reading,
        path: Path<'_>,
    ) -> Result<(), A::Error>;
}

impl<P: Patch> Fields for P {
    const MODEL: &'static str = P::__MODEL;
    const COUNT: usize = P::WRITABLE.len();

    #[inline(always)]
    fn key(key: &str) -> Key {
        P::__key(key)
    }

    fn wire(index: u16) -> &'static str {
        P::WRITABLE[usize::from(index)]
    }

    #[inline(always)]
    fn field<'de, S: Source, A: MapAccess<'de>>(
        &mut self,
        index: u16,
        map: &mut A,
        reading: &mut Reading,
        path: Path<'_>,
    ) -> Result<(), A::Error> {
        self.__field::<S, A>(index, map, reading, path)
    }
}

/// The fields of two patches read from one object: each key is the field of the one that
/// has it; a key that neither may write is forbidden when it is a server-only field of either,
/// unknown otherwise. (No key is writable in both: `WithExtra` refuses that when it is built.)
#[derive(Default)]
pub struct Pair<A, B>(pub A, pub B);

impl<A: Patch, B: Patch> Fields for Pair<A, B> {
    const MODEL: &'static str = A::__MODEL;
    const COUNT: usize = A::WRITABLE.len() + B::WRITABLE.len();

    #[inline]
    fn key(key: &str) -> Key {
        match (A::__key(key), B::__key(key)) {
            (Key::Field(index), _) => Key::Field(index),
            (_, Key::Field(index)) => Key::Field(Self::offset() + index),
            (Key::Forbidden, _) | (_, Key::Forbidden) => Key::Forbidden,
            (Key::Unknown, Key::Unknown) => Key::Unknown,
        }
    }

    fn wire(index: u16) -> &'static str {
        match index.checked_sub(Self::offset()) {
            None => A::WRITABLE[usize::from(index)],
            Some(index) => B::WRITABLE[usize::from(index)],
        }
    }

    #[inline]
    fn field<'de, S: Source, M: MapAccess<'de>>(
        &mut self,
        index: u16,
        map: &mut M,
        reading: &mut Reading,
        path: Path<'_>,
    ) -> Result<(), M::Error> {
        match index.checked_sub(Self::offset()) {
            None => self.0.__field::<S, M>(index, map, reading, path),
            Some(index) => self.1.__field::<S, M>(index, map, reading, path),
        }
    }
}

impl<A: Patch, B: Patch> Pair<A, B> {
    /// Where `B`'s indexes start. A patch has at most `u16::MAX` fields (its indexes are
    /// `u16`), and a model with half as many is not written by hand.
    #[allow(clippy::cast_possible_truncation)]
    const fn offset() -> u16 {
        A::WRITABLE.len() as u16
    }
}
