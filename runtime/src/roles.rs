//! "Who is asking": the question role-gated fields put to an identity ([`Roles`]), and how an
//! identity reaches the rules of a model that names its identity type ([`Sender`]).

use std::collections::{BTreeSet, HashSet};

/// The roles of whoever sends a patch.
///
/// Role-gated fields (`#[update(allow(role = "admin"))]`) ask this of the identity passed to
/// `apply_as`. The Basic Auth [`Identity`](crate::auth::Identity) implements it; an
/// application implements it for its own user type in one line:
///
/// ```
/// struct Account { is_admin: bool }
///
/// impl safe_update::Roles for Account {
///     fn has_role(&self, role: &str) -> bool {
///         role == "admin" && self.is_admin
///     }
/// }
/// # use safe_update::Roles;
/// # assert!(Account { is_admin: true }.has_role("admin"));
/// ```
pub trait Roles {
    /// Whether this identity holds `role`. Roles are compared exactly (case-sensitive).
    fn has_role(&self, role: &str) -> bool;
}

/// An identity with no role at all: the caller of `apply` on a patch without gated fields.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoRoles;

impl Roles for NoRoles {
    fn has_role(&self, _role: &str) -> bool {
        false
    }
}

impl<R: Roles + ?Sized> Roles for &R {
    fn has_role(&self, role: &str) -> bool {
        (**self).has_role(role)
    }
}

impl Roles for [&str] {
    fn has_role(&self, role: &str) -> bool {
        self.contains(&role)
    }
}

impl Roles for [String] {
    fn has_role(&self, role: &str) -> bool {
        self.iter().any(|held| held == role)
    }
}

impl Roles for Vec<String> {
    fn has_role(&self, role: &str) -> bool {
        self.as_slice().has_role(role)
    }
}

impl Roles for BTreeSet<String> {
    fn has_role(&self, role: &str) -> bool {
        self.contains(role)
    }
}

impl<S: std::hash::BuildHasher> Roles for HashSet<String, S> {
    fn has_role(&self, role: &str) -> bool {
        self.contains(role)
    }
}

/// The identity type of a model that does not name one: its rules ask only for roles, so any
/// [`Roles`] may send its patches. (A model names its own with `#[update(identity = T)]` when
/// its conditions need more than roles.)
///
/// Deliberately not [`Roles`] itself, and no value of it ever reaches a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AnyRoles;

/// Who may send a patch (or a create input) of a model whose identity type is `I`: what
/// [`Patch::apply_as`](crate::Patch::apply_as) and [`Create::build_as`](crate::Create::build_as)
/// accept.
///
/// Implemented for every [`Roles`] when `I` is [`AnyRoles`] (a model without
/// `#[update(identity = ...)]`), and for `I` itself when the model names `I`: such an identity
/// implements [`Roles`] too (with `false` when it has no roles), since grants may ask for a
/// role beside a condition.
///
/// A nested model is checked with its parent's identity: it names the same identity type as
/// its parent, or none (then it sees the parent's identity as its roles only).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot send a patch of a model whose rules take `{I}`",
    label = "the model's rules take `{I}`",
    note = "a model with `#[update(identity = T)]` is applied on behalf of a `T`; a model \
            without it, on behalf of any `Roles`"
)]
pub trait Sender<I: ?Sized> {
    /// The identity the model's conditions and value rules see.
    fn identity(&self) -> &I;

    /// Whether the sender holds `role`: what a grant's `role = "..."` asks. (Not named
    /// `has_role`, so that a type implementing both traits has no ambiguous method.)
    fn holds(&self, role: &str) -> bool;
}

impl<R: Roles + ?Sized> Sender<AnyRoles> for R {
    #[inline]
    fn identity(&self) -> &AnyRoles {
        &AnyRoles
    }

    #[inline]
    fn holds(&self, role: &str) -> bool {
        Roles::has_role(self, role)
    }
}

// No overlap with the impl above: `AnyRoles` does not implement `Roles`, and no other crate
// can make it.
impl<I: Roles> Sender<I> for I {
    #[inline]
    fn identity(&self) -> &I {
        self
    }

    #[inline]
    fn holds(&self, role: &str) -> bool {
        Roles::has_role(self, role)
    }
}
