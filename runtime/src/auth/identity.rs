//! Who the client is, once verified: a user name and roles.

use std::fmt;

use super::SECURITY_LOG_TARGET;
use crate::Roles;

/// A verified user: the name it authenticated as and the roles the store gave it.
///
/// It answers role-gated fields through [`Roles`], so it is what a handler passes to
/// `apply_as`.
///
/// ```
/// use safe_update::auth::Identity;
/// use safe_update::Roles;
///
/// let admin = Identity::new("alice", ["user", "admin"]);
/// assert_eq!(admin.name(), "alice");
/// assert!(admin.has_role("admin"));
/// assert!(!admin.has_role("Admin")); // roles are compared exactly
/// assert!(admin.require_role("admin").is_ok());
/// assert_eq!(Identity::new("bob", ["user"]).require_role("admin").unwrap_err().role(), "admin");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    name: String,
    roles: Vec<String>,
}

impl Identity {
    /// An identity with a name and roles.
    pub fn new<I>(name: impl Into<String>, roles: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        Identity {
            name: name.into(),
            roles: roles.into_iter().map(Into::into).collect(),
        }
    }

    /// The user name as the store spells it ([`StoredUser::name`](super::StoredUser::name)),
    /// whatever spelling the client sent.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The roles held, in the store's order.
    pub fn roles(&self) -> &[String] {
        &self.roles
    }

    /// `Ok` if this identity holds `role`; otherwise the refusal, logged as a security event
    /// (user name and role) under [`SECURITY_LOG_TARGET`]. To branch without logging, ask
    /// [`Roles::has_role`].
    pub fn require_role(&self, role: &str) -> Result<(), MissingRole> {
        if self.has_role(role) {
            return Ok(());
        }
        tracing::warn!(
            target: SECURITY_LOG_TARGET,
            user = ?self.name,
            role,
            "refused: role required"
        );
        Err(MissingRole {
            role: role.to_owned(),
        })
    }
}

impl Roles for Identity {
    fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|held| held == role)
    }
}

/// An identity lacks the role an action needs (HTTP 403), from [`Identity::require_role`].
///
/// ```
/// use safe_update::auth::Identity;
///
/// let missing = Identity::new("bob", ["user"]).require_role("admin").unwrap_err();
/// assert_eq!(missing.role(), "admin");
/// assert_eq!(missing.to_string(), r#"this action requires the role "admin""#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingRole {
    role: String,
}

impl MissingRole {
    /// The role that was required.
    pub fn role(&self) -> &str {
        &self.role
    }
}

impl fmt::Display for MissingRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "this action requires the role {:?}", self.role)
    }
}

impl std::error::Error for MissingRole {}
