//! Helpers for the generated `__check` and `__write`.

use core::fmt::Display;

use super::Path;
use crate::{Applied, ApplyError, Patch};

/// Writes `value` into `slot`; whether the value changed.
#[inline]
pub fn replace<T: PartialEq>(slot: &mut T, value: T) -> bool {
    let changed = *slot != value;
    *slot = value;
    changed
}

/// Runs a field validator (`#[update(allow, validate = check)]`), its error as a message.
#[inline]
pub fn validate<T: ?Sized, E: Display>(
    check: fn(&T) -> Result<(), E>,
    value: &T,
) -> Result<(), String> {
    check(value).map_err(|error| error.to_string())
}

/// Runs a container validator (`#[update(validate = check)]`) on the would-be result: a copy
/// of `target` with `patch` written into it. This copy is the whole cost of a container
/// validator, paid only by models that declare one.
pub fn check_whole<P, E>(
    patch: &P,
    target: &P::Target,
    check: fn(&P::Target) -> Result<(), E>,
    path: Path<'_>,
    errors: &mut ApplyError,
) where
    P: Patch + Clone,
    P::Target: Clone,
    E: Display,
{
    let mut candidate = target.clone();
    patch
        .clone()
        .__write(&mut candidate, None, &mut Applied::__new(P::__FIELDS));
    if let Err(error) = check(&candidate) {
        errors.__invalid(path.join(), error.to_string());
    }
}
