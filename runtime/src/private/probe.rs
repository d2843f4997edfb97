//! Questions about a concrete type that only the compiler can answer, asked by generated code
//! without a trait bound: "does this type derive `SafeUpdate`?".
//!
//! An inherent item of [`Probe<T>`] bounded by `T: SafeUpdate` is chosen over the trait item of
//! [`ProbeFallback`] of the same name when the bound holds, and the fallback otherwise. The
//! answer is only right for a concrete type: for a type parameter the bound is unknown and the
//! fallback answers, which the crate documentation states.
//!
//! The items bounded by `T: SafeUpdate` (`IS_MODEL`, `flattened_key`) are written beside
//! `SafeUpdate`, in the public `patch.rs`: like all of `__private`, this module names no public
//! trait, so that the public layer builds on `__private` and never the reverse.

use core::marker::PhantomData;

/// Asks about `T`; see the module documentation.
pub struct Probe<T: ?Sized>(PhantomData<T>);

impl<T: ?Sized> Probe<T> {
    /// The probe of `T`.
    pub const NEW: Self = Probe(PhantomData);
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
