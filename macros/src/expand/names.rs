//! The names of the generated types, decided here for the expansion and for the stubs that
//! `fallback.rs` emits next to errors: code that names `UserPatch` or `UserNew` finds the same
//! name either way.

use quote::format_ident;
use syn::Ident;

/// The generated types' names.
pub struct Names {
    /// The patch: `#[update(name = "...")]`, else `{Model}Patch`.
    pub patch: Ident,
    /// The create input of `#[update(create)]`: `{Model}New`.
    pub new: Ident,
    /// The struct of server-only fields of `#[update(create)]`: `{Model}ServerFields`.
    pub server: Ident,
}

impl Names {
    /// The names for `model`, whose `#[update(name = "...")]` gives `name`.
    pub fn new(model: &Ident, name: Option<Ident>) -> Self {
        Names {
            patch: name.unwrap_or_else(|| format_ident!("{}Patch", model)),
            new: format_ident!("{}New", model),
            server: format_ident!("{}ServerFields", model),
        }
    }
}
