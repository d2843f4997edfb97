//! What the object visitor (`object.rs`) reads into: the fields of a patch, which the derive
//! implements [`Fields`] for, or of two patches side by side ([`Pair`], for a create input
//! with extra inputs), so that one object is read once with every refusal of a patch; and how
//! it reads the values of an object, [`Source`]. The two name each other (a field reads a
//! nested object as the source of its document does; a source reads into fields), so they
//! are one file.

use serde::de::MapAccess;

use super::{Key, Path, Reading};

/// The writable fields of one object, as a reader sees them: what the derive implements for a
/// patch type so that it can be read (the public `Patch` has it as a supertrait, so that
/// generic code bounded by `Patch` can read a patch).
pub trait Fields: Default {
    /// The model's name, for messages.
    const MODEL: &'static str;

    /// How many fields [`Fields::key`] may name (their indexes are `0..COUNT`).
    const COUNT: u16;

    /// Whether the model has a server-only or role-gated field (a role-gated `clear`
    /// included) at any depth: what clearing the model as a whole would erase. Read by the
    /// reader of a nested `Option` field without `clear`, and by the patch's `__check`, which
    /// refuses the same `null` in a patch built in code.
    const PROTECTED: bool;

    /// Appends to `out` the wire path of every server-only and role-gated field under `path`,
    /// at any depth (only for the message of a refused `null`).
    fn protected(path: Path<'_>, out: &mut Vec<String>);

    /// Classifies one key of the object.
    fn key(key: &str) -> Key;

    /// The wire name of the field `index` (from [`Fields::key`]), for messages.
    fn wire(index: u16) -> &'static str;

    /// Reads the value of the field `index` (from [`Fields::key`]) out of `map`; a nested
    /// object as the source `S` reads its document.
    fn field<'de, S: Source, A: MapAccess<'de>>(
        &mut self,
        index: u16,
        map: &mut A,
        reading: &mut Reading,
        path: Path<'_>,
    ) -> Result<(), A::Error>;
}

/// How the values of an object are read: the first pass of `from_json` (the first error ends
/// the document), one value at a time (`from_json`'s second pass and forms), or the stream
/// of the `Deserialize` impl. Chosen by type, so a nested object is read as its parent is.
pub trait Source: 'static {
    /// Reads every key of the object in `map` (at `path`) into `patch`.
    fn object<'de, P: Fields, A: MapAccess<'de>>(
        patch: &mut P,
        map: A,
        reading: &mut Reading,
        path: Path<'_>,
    ) -> Result<(), A::Error>;
}

/// The fields of two patches read from one object: each key is the field of the one that
/// has it; a key that neither may write is forbidden when it is a server-only field of either,
/// unknown otherwise. (No key is writable in both: `WithExtra` refuses that when it is built.)
#[derive(Default)]
pub struct Pair<A, B>(pub A, pub B);

impl<A: Fields, B: Fields> Fields for Pair<A, B> {
    const MODEL: &'static str = A::MODEL;
    const COUNT: u16 = A::COUNT + B::COUNT;
    // The pair is one document, never a nested field: this is only what clearing both would
    // erase, for completeness.
    const PROTECTED: bool = A::PROTECTED || B::PROTECTED;

    fn protected(path: Path<'_>, out: &mut Vec<String>) {
        A::protected(path, out);
        B::protected(path, out);
    }

    #[inline]
    fn key(key: &str) -> Key {
        match (A::key(key), B::key(key)) {
            (Key::Field(index), _) => Key::Field(index),
            (_, Key::Field(index)) => Key::Field(Self::offset() + index),
            (Key::Forbidden, _) | (_, Key::Forbidden) => Key::Forbidden,
            (Key::Unknown, Key::Unknown) => Key::Unknown,
        }
    }

    fn wire(index: u16) -> &'static str {
        match index.checked_sub(Self::offset()) {
            None => A::wire(index),
            Some(index) => B::wire(index),
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
            None => self.0.field::<S, M>(index, map, reading, path),
            Some(index) => self.1.field::<S, M>(index, map, reading, path),
        }
    }
}

impl<A: Fields, B: Fields> Pair<A, B> {
    /// Where `B`'s indexes start: the first index that `A::key` never gives.
    const fn offset() -> u16 {
        A::COUNT
    }
}
