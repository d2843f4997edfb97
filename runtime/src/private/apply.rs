//! Helpers for the generated `__check` and `__write`.

/// Writes `value` into `slot`; whether the value changed.
#[inline]
pub fn replace<T: PartialEq>(slot: &mut T, value: T) -> bool {
    let changed = *slot != value;
    *slot = value;
    changed
}
