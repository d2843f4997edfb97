//! "Who is asking": the one question role-gated fields put to an identity.

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
