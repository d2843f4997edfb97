//! A model with a `secret` field must not implement `Serialize` (nor, with the features,
//! `schemars::JsonSchema` or `utoipa::ToSchema`): a derive cannot see whether a hand-written
//! impl skips the field, so any such impl is refused. Each trait below has two impls, one for
//! every type and one for the types implementing the forbidden trait; the derive names the
//! model's impl with the parameter left to inference, which fails as ambiguous exactly when
//! the model implements it (the check of `static_assertions::assert_not_impl_any!`).

/// Refuses a model with a secret field that implements `Serialize`: serialize it through
/// `view_as`, which never writes a secret field.
pub trait SecretFieldForbidsSerialize<A> {
    /// Named by the derive; never called.
    fn check() {}
}

impl<T: ?Sized> SecretFieldForbidsSerialize<()> for T {}
impl<T: ?Sized + serde::Serialize> SecretFieldForbidsSerialize<u8> for T {}

/// Refuses a model with a secret field that implements `schemars::JsonSchema`: its schema
/// would describe the secret; the view's schema never does. (Without the feature, only the
/// impl for every type exists: nothing to refuse.)
pub trait SecretFieldForbidsJsonSchema<A> {
    /// Named by the derive; never called.
    fn check() {}
}

impl<T: ?Sized> SecretFieldForbidsJsonSchema<()> for T {}
#[cfg(feature = "schemars")]
impl<T: ?Sized + schemars::JsonSchema> SecretFieldForbidsJsonSchema<u8> for T {}

/// Refuses a model with a secret field that implements `utoipa::ToSchema`. (Without the
/// feature, nothing to refuse.)
pub trait SecretFieldForbidsToSchema<A> {
    /// Named by the derive; never called.
    fn check() {}
}

impl<T: ?Sized> SecretFieldForbidsToSchema<()> for T {}
#[cfg(feature = "utoipa")]
impl<T: ?Sized + utoipa::ToSchema> SecretFieldForbidsToSchema<u8> for T {}
