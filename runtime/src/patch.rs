//! The traits that tie a model to its generated patch type.

use crate::__private::{Fields, Key, Path, PathField, Probe};
use crate::{Applied, ApplyError, Sender};

/// A model whose client-writable fields are described by `#[derive(SafeUpdate)]`.
///
/// Generic code (a web layer, a repository) names the patch of any model through this trait:
/// `<User as SafeUpdate>::Patch`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement `SafeUpdate`",
    label = "`{Self}` needs `#[derive(SafeUpdate)]`",
    note = "a field marked `#[update(nested)]` must have a type that derives `SafeUpdate`"
)]
pub trait SafeUpdate: Sized {
    /// The generated patch type: the fields a client may write, each optional.
    type Patch: Patch<Target = Self>;

    /// Who may write each field of the model, as data: generated from the same attributes as
    /// the patch's checks. [`policy::markdown`](crate::policy::markdown) renders it as a
    /// table for review; it serializes to JSON.
    fn policy() -> crate::policy::ModelPolicy;
}

/// A partial update of [`Patch::Target`] holding only client-writable fields.
///
/// Implemented by `#[derive(SafeUpdate)]`; never implement it by hand. A patch is built by
/// deserializing a client's document ([`from_json`](crate::from_json) or any serde
/// deserializer) or in code, and written with [`apply_as`](Patch::apply_as), which checks
/// roles and validators before the first write: an update is applied completely or not at all.
// How a patch is read is `__private::Fields`, which the derive implements beside this trait; as
// a supertrait it lets generic code bounded by `Patch` read a patch (`from_json::<P>`).
pub trait Patch: Default + Sized + Fields {
    /// The model this patch updates.
    type Target;

    /// Who the patch is applied on behalf of, as the model's rules see it: the type named by
    /// `#[update(identity = T)]`, else [`AnyRoles`](crate::AnyRoles) (any [`Roles`](crate::Roles)
    /// may send it). See [`Sender`].
    type Identity: ?Sized;

    /// Wire names of the fields a client may send (role-gated and nested ones included).
    const WRITABLE: &'static [&'static str];
    /// Wire names of the server-only fields, and of the create-only ones (`create_only`: set by
    /// the create input, never by a patch): sending one is rejected as forbidden. A
    /// server-only `#[serde(flatten)]` field has no key of its own and is not listed; the keys
    /// of its type are forbidden when that type derives `SafeUpdate`.
    const SERVER_ONLY: &'static [&'static str];
    /// Role-gated fields: each wire name with the roles of its grants that ask for a role only,
    /// any one of which allows writing it (a field with conditions is listed with the roles of
    /// its role-only grants, possibly none; [`SafeUpdate::policy`] gives every grant).
    const GATED: &'static [(&'static str, &'static [&'static str])];

    /// Whether the patch writes nothing (the document was `{}`).
    fn is_empty(&self) -> bool;

    /// Applies the patch on behalf of `who`.
    ///
    /// Every check runs before the first write: the grants of gated fields (roles, conditions
    /// on the stored model, value rules on the old and new values), field validators, nested
    /// patches and the container validator. On error `target` is unchanged and the error lists
    /// every problem found. On success the result names the fields written and those whose
    /// value actually changed.
    fn apply_as<W: Sender<Self::Identity> + ?Sized>(
        self,
        target: &mut Self::Target,
        who: &W,
    ) -> Result<Applied, ApplyError> {
        let mut errors = ApplyError::default();
        self.__check(target, who, Path::ROOT, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut applied = Applied::__new(Self::__FIELDS);
        self.__write(target, None, &mut applied);
        Ok(applied)
    }

    #[doc(hidden)]
    /// Rust names of the writable fields, in declaration order: what [`Applied`] reports.
    const __FIELDS: &'static [&'static str];

    #[doc(hidden)]
    /// Every key a document may use for a writable field: wire names and aliases.
    const __KEYS: &'static [&'static str];

    #[doc(hidden)]
    /// Every field of the model that a JSON Patch pointer may name, writable or not, in
    /// declaration order (flattened ones aside).
    const __PATHS: &'static [PathField];

    #[doc(hidden)]
    /// For each writable field, by its index among the patch's fields, its place in
    /// [`__PATHS`](Patch::__PATHS) (`u16::MAX` for a flattened one).
    const __PATH_OF: &'static [u16];

    #[doc(hidden)]
    /// Records in `errors` every reason this patch may not be written to `target` by `who`.
    fn __check<W: Sender<Self::Identity> + ?Sized>(
        &self,
        target: &Self::Target,
        who: &W,
        path: Path<'_>,
        errors: &mut ApplyError,
    );

    #[doc(hidden)]
    /// Writes the present fields; only called after [`Patch::__check`] found nothing.
    fn __write(self, target: &mut Self::Target, parent: Option<usize>, applied: &mut Applied);
}

/// A patch or create input with no gated field (one whose `allow` names a role, a condition or
/// a value rule), itself or nested, of a model that names no identity type: it can be used
/// without an identity (`patch.apply(&mut model)`, `new.build(server_fields)`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used without an identity: it has gated fields, or its model \
               names the identity its rules take",
    label = "needs an identity",
    note = "call `apply_as(&mut target, &identity)` (a patch) or `build_as(server_fields, \
            &identity)` (a create input) with the identity of whoever sent it"
)]
// Deliberately no `Patch` supertrait: `apply` is bounded by `Self: Ungated`, and a supertrait
// would make the compiler take `Self: Patch` from that bound instead of from the impl, losing
// `Self::Target`.
pub trait Ungated {}

// The questions of `__private::Probe` that only a model answers: inherent items of `Probe<T>`
// bounded by `T: SafeUpdate`, chosen over `ProbeFallback`'s when the bound holds. They live
// here, beside `SafeUpdate`, so that `__private` names no public trait (the public layer
// builds on it, never the reverse).
impl<T: SafeUpdate> Probe<T> {
    /// `T` derives `SafeUpdate` (emitted by the derive's `expand/probe.rs` for every type a
    /// writable field holds: `allow` on such a type is refused).
    pub const IS_MODEL: bool = true;

    /// Whether `key` names a field of `T`, writable or not (emitted by the derive's
    /// `expand/fields.rs` for a server-only `#[serde(flatten)]` field: its keys are forbidden).
    #[inline]
    pub fn flattened_key(&self, key: &str) -> bool {
        <T::Patch as Fields>::key(key) != Key::Unknown
    }
}
