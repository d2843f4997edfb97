//! Who may write what, as data: the policy a reviewer reads.
//!
//! The derive enforces each field's `#[update(...)]` attributes; [`SafeUpdate::policy`] gives
//! the same attributes back as a value, read from the same parsed attributes that generate the
//! checks, so the two cannot drift apart. [`markdown`] renders the models it is given as one
//! table, and [`ModelPolicy`] serializes to JSON: commit the table beside the code and have a
//! test compare it with what the code says, and every change to who may write what shows up in
//! a review's diff (the demo does: `examples/POLICY.md`).
//!
//! ```
//! use safe_update::SafeUpdate;
//!
//! #[derive(SafeUpdate)]
//! pub struct Account {
//!     #[update(allow)]
//!     pub nickname: Option<String>,
//!     #[update(allow(role = "admin"))]
//!     pub is_admin: bool,
//!     #[update(server_only)]
//!     pub id: u64,
//! }
//!
//! let table = safe_update::policy::markdown(&[Account::policy()]);
//! assert!(table.contains("| `Account` | `nickname` | `nickname` | anyone | clears the field |"));
//! assert!(table.contains("| `Account` | `is_admin` | `is_admin` | role `admin` | refused |"));
//! assert!(table.contains("| `Account` | `id` | `id` | the server only | refused |"));
//! ```
//!
//! [`SafeUpdate::policy`]: crate::SafeUpdate::policy

mod markdown;

pub use markdown::markdown;

use serde::Serialize;

/// One model's write policy: each of its fields, in the order the struct declares them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ModelPolicy {
    /// The model's name, as its struct is named (without generic arguments).
    pub model: &'static str,
    /// Every field, server-only ones included, in declaration order.
    pub fields: Vec<FieldPolicy>,
}

/// What a document may do to one field of a model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FieldPolicy {
    /// The field's name in the struct.
    pub field: &'static str,
    /// The keys that address the field in a document: its wire name (after the model's
    /// `rename_all` and `rename`), then its aliases; for a server-only field also its Rust
    /// name, which is refused too. Empty for a server-only `#[serde(flatten)]` field: it has no
    /// key of its own (the keys of its type are refused when that type derives `SafeUpdate`).
    pub names: &'static [&'static str],
    /// Who may write the field.
    pub write: Write,
    /// `create_only`: only a create input may write it, as [`write`](Self::write) says; a
    /// patch refuses it as it refuses a server-only field.
    pub create_only: bool,
    /// Who may see the field in a view: `None` when the model offers no views
    /// (`#[update(view)]`), so that the crate serializes none of it.
    pub read: Option<Read>,
    /// What `null` does to the field.
    pub null: Null,
    /// `#[update(nested)]`: the sub-model's own policy, which applies to the fields of the
    /// object a document sends for this one.
    pub nested: Option<Box<ModelPolicy>>,
}

/// Who may write a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Write {
    /// `#[update(server_only)]`: no document may send it; only server code writes it.
    ServerOnly,
    /// `#[update(allow)]` (or a nested field without roles): whoever may send the patch.
    Anyone,
    /// One `allow(...)` or more, each naming roles, conditions or value rules: the field is
    /// writable when any one grant admits the write.
    Grants {
        /// The grants, in the order the attributes give them.
        grants: &'static [Grant],
    },
}

/// Who may see a field in a view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Read {
    /// Whoever may read the model.
    Anyone,
    /// One `read(...)` or more: any one admits (its `change` is always empty).
    Grants {
        /// The grants, in the order the attributes give them.
        grants: &'static [Grant],
    },
    /// `secret`: in no view, nor in its schema.
    Secret,
}

/// One `allow(...)` of a field: it admits a write when the sender holds one of its roles (if
/// it names any), every condition holds and every value rule permits the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Grant {
    /// `role = "..."`: any one of these roles; empty when the grant asks for none.
    pub roles: &'static [&'static str],
    /// `when = rule`: conditions on the identity and the model (stored, or the would-be one
    /// on create), by function name as written.
    pub when: &'static [&'static str],
    /// `change = rule`: value rules on the identity, the old value and the new one, by
    /// function name as written.
    pub change: &'static [&'static str],
}

impl Grant {
    #[doc(hidden)]
    pub const fn __new(
        roles: &'static [&'static str],
        when: &'static [&'static str],
        change: &'static [&'static str],
    ) -> Self {
        Grant {
            roles,
            when,
            change,
        }
    }
}

/// What `null` sent for a field does (RFC 7396: `null` removes a member).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Null {
    /// `null` is refused: the field is not an `Option` (or is server-only).
    Refused,
    /// `null` sets the field to `None`, for whoever may write the field: a plain `Option`,
    /// or a nested `Option` marked `clear`.
    Clears,
    /// A nested `Option` marked `clear(role = "...")`: `null` sets it to `None` for an
    /// identity holding any one of these roles.
    ClearsWithRoles {
        /// The roles, any one of which allows clearing.
        roles: &'static [&'static str],
    },
    /// A nested `Option` without `clear` whose sub-model has a server-only or role-gated field
    /// at any depth: `null` is refused, since clearing would erase that field. (Without such a
    /// field, a nested `Option` without `clear` is [`Clears`](Null::Clears).)
    Guarded,
}
