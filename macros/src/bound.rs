//! Which generic parameters the patch needs, and the bounds the impls add: only for writable
//! fields whose type mentions a type parameter (a bound on a concrete type would be checked
//! eagerly and report the user's mistake at the wrong place).

use std::collections::BTreeSet;

use syn::visit::{self, Visit};
use syn::{GenericParam, Generics, Ident, Lifetime, Type};

/// The type parameters and lifetimes that `ty` mentions.
#[derive(Default)]
pub struct Mentions {
    pub types: BTreeSet<Ident>,
    pub lifetimes: BTreeSet<Lifetime>,
    /// `Self` (allowed in a field's type, meaningless outside an impl).
    pub self_ty: bool,
}

pub fn mentions<'a>(generics: &Generics, types: impl IntoIterator<Item = &'a Type>) -> Mentions {
    let params: BTreeSet<Ident> = generics
        .type_params()
        .map(|param| param.ident.clone())
        .collect();
    let mut found = Finder {
        params: &params,
        mentions: Mentions::default(),
    };
    for ty in types {
        found.visit_type(ty);
    }
    found.mentions
}

/// Whether `ty` mentions any of the type parameters of `generics`.
pub fn is_generic(generics: &Generics, ty: &Type) -> bool {
    !mentions(generics, [ty]).types.is_empty()
}

/// Whether `ty` names a concrete type outside the model's impls: no type parameter, no
/// lifetime but `'static`, no `Self`.
pub fn is_concrete(generics: &Generics, ty: &Type) -> bool {
    let found = mentions(generics, [ty]);
    found.types.is_empty()
        && !found.self_ty
        && found
            .lifetimes
            .iter()
            .all(|lifetime| lifetime.ident == "static")
}

/// Whether every parameter of `generics` appears in `used`.
pub fn all_used(generics: &Generics, used: &Mentions) -> bool {
    generics.params.iter().all(|param| match param {
        GenericParam::Type(param) => used.types.contains(&param.ident),
        GenericParam::Lifetime(param) => used.lifetimes.contains(&param.lifetime),
        GenericParam::Const(_) => true,
    })
}

struct Finder<'p> {
    params: &'p BTreeSet<Ident>,
    mentions: Mentions,
}

impl<'ast> Visit<'ast> for Finder<'_> {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if let Some(first) = path.segments.first() {
            if first.ident == "Self" {
                self.mentions.self_ty = true;
            }
            if self.params.contains(&first.ident) {
                self.mentions.types.insert(first.ident.clone());
            }
        }
        visit::visit_path(self, path);
    }

    fn visit_lifetime(&mut self, lifetime: &'ast Lifetime) {
        self.mentions.lifetimes.insert(lifetime.clone());
    }
}
