//! Questions about a concrete type that only the compiler can answer, asked by generated code
//! without a trait bound: "does this type derive `SafeUpdate`?".
//!
//! An inherent item of [`Probe<T>`] bounded by `T: SafeUpdate` is chosen over the trait item of
//! [`ProbeFallback`] of the same name when the bound holds, and the fallback otherwise. The
//! answer is only right for a concrete type: for a type parameter the bound is unknown and the
//! fallback answers, which the crate documentation states.

use core::marker::PhantomData;

use super::Key;
use crate::{Patch, SafeUpdate};

/// Asks about `T`; see the module documentation.
pub struct Probe<T: ?Sized>(PhantomData<T>);

impl<T: ?Sized> Probe<T> {
    /// The probe of `T`.
    pub const NEW: Self = Probe(PhantomData);
}

impl<T: SafeUpdate> Probe<T> {
    /// `T` derives `SafeUpdate` (emitted by the derive's `expand/probe.rs` for every type a
    /// writable field holds: `allow` on such a type is refused).
    pub const IS_MODEL: bool = true;

    /// Whether `key` names a field of `T`, writable or not (emitted by the derive's
    /// `expand/de.rs` for a server-only `#[serde(flatten)]` field: its keys are forbidden).
    #[inline]
    pub fn flattened_key(&self, key: &str) -> bool {
        <T::Patch as Patch>::__key(key) != Key::Unknown
    }
}

impl<T> Probe<Option<T>> {
    /// `T` is an `Option` (emitted by the derive's `expand/probe.rs` for a field whose type is
    /// not written `Option<...>`: an alias would hide that `null` clears it).
    pub const IS_OPTION: bool = true;
}

/// The answers for a type that does not derive `SafeUpdate` (or that is a type parameter).
pub trait ProbeFallback {
    /// `T` does not derive `SafeUpdate`.
    const IS_MODEL: bool = false;

    /// `T` is not an `Option`.
    const IS_OPTION: bool = false;

    /// The keys of a type that does not derive `SafeUpdate` are unknown to the patch.
    #[inline]
    fn flattened_key(&self, _key: &str) -> bool {
        false
    }
}

impl<T: ?Sized> ProbeFallback for Probe<T> {}
