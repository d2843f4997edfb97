//! A nested model in its parent's view: written by its own view when it has one (its read
//! rules hold inside the parent too), else by its `Serialize`. The choice is made where the
//! derive calls `__write` on a `&NestedField`: the inherent `__write` (in `view.rs`, bounded by
//! `T: SafeView`) when the nested type offers views, this trait's otherwise.

use serde::ser::{Serialize, SerializeStruct};

/// The nested field's value and the parent's sender, as a sender of the nested model.
pub struct NestedField<'a, T: ?Sized, W>(pub &'a T, pub W);

/// How a nested model without views is written in its parent's view: whole, by its
/// `Serialize`.
pub trait WriteNestedBySerialize {
    /// Writes the field as `key` of the parent's struct.
    fn __write<S: SerializeStruct>(&self, state: &mut S, key: &'static str)
        -> Result<(), S::Error>;
}

impl<T: Serialize + ?Sized, W> WriteNestedBySerialize for &NestedField<'_, T, W> {
    #[inline]
    fn __write<S: SerializeStruct>(
        &self,
        state: &mut S,
        key: &'static str,
    ) -> Result<(), S::Error> {
        state.serialize_field(key, self.0)
    }
}
