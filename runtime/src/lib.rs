//! Mass-assignment-proof partial updates (CWE-915, OWASP API3:2023).
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

#[cfg(feature = "actix")]
pub mod actix;
mod applied;
pub mod auth;
mod error;
mod json;
mod patch;
mod roles;

#[doc(hidden)]
#[path = "private/mod.rs"]
pub mod __private;

pub use applied::{Applied, FieldPath};
pub use error::{ApplyError, DeniedField, PatchError};
pub use json::from_json;
pub use patch::{Patch, SafeUpdate, Ungated};
pub use roles::{NoRoles, Roles};

/// Derives the patch type of a model: see the [crate documentation](crate).
#[cfg(feature = "derive")]
pub use safe_update_macros::SafeUpdate;
