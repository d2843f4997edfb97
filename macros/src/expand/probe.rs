//! `allow` on a field that holds a model (a type deriving `SafeUpdate`) would read it with
//! the model's own `Deserialize`, so a client could write the model's server-only and
//! role-gated fields: refused at compile time. So is an `Option` behind a type alias, which
//! the derive would not recognise as clearable.
//!
//! A derive cannot see whether a type implements a trait, and no bound can say "does not
//! implement", so the question goes to the compiler: a `const` assertion on
//! `Probe<T>::IS_MODEL` (runtime `private/probe.rs`, this item in `patch.rs`) whose message names the field and the
//! type. Containers are peeled syntactically, so that `Vec<Address>` and
//! `HashMap<String, Address>` are caught; a type parameter, or a type alias hiding a model,
//! cannot be checked (stated in the crate documentation).
//!
//! Expands to one constant per field, named after the field, in a constant named after the
//! model, in an unnamed block of their own: rustc labels a failed assertion with the path of
//! its constant, "evaluation of `_::User::home` failed here", which names the field (the
//! crate documentation explains the `_`). The block keeps both names out of the user's
//! module, where a value named `User` could be shadowed.
//!
//! ```ignore
//! const _: () = {
//!     use ::safe_update::__private::ProbeFallback as _;
//!     const User: () = {
//!         const home: () = {
//!             ::core::assert!(!<Probe<Address>>::IS_MODEL, "field `home` holds `Address`, ...");
//!         };
//!     };
//! };
//! ```

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{GenericArgument, Ident, PathArguments, Type};

use super::gen::Gen;
use crate::ast::{Field, Shape};
use crate::bound;

pub fn expand(gen: &Gen) -> TokenStream {
    let krate = &gen.krate;
    let checks: Vec<TokenStream> = gen
        .input
        .writable()
        .filter_map(|field| field_check(gen, field))
        .collect();
    if checks.is_empty() {
        return TokenStream::new();
    }
    let model = gen.model;
    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, dead_code, unused_qualifications)]
        const _: () = {
            use #krate::__private::ProbeFallback as _;
            const #model: () = { #(#checks)* };
        };
    }
}

/// The constant asserting what `field` must not hold, if there is anything to assert. One
/// constant per field: evaluation stops at the first failed assertion of a constant, and every
/// offending field must be reported.
fn field_check(gen: &Gen, field: &Field) -> Option<TokenStream> {
    let krate = &gen.krate;
    let generics = &gen.input.original.generics;
    let mut asserts = Vec::new();
    if let Shape::Plain = field.shape {
        let ty = field.ty();
        if !is_std(ty) && bound::is_concrete(generics, ty) {
            let message = format!(
                "field `{}` is an `Option` behind the name `{}`: `null` clears an `Option` \
                 field, which the derive recognises by its written type; write \
                 `Option<...>` in the field's type",
                syn::ext::IdentExt::unraw(field.ident),
                type_str(ty)
            );
            let message = escape_braces(&message);
            asserts.push(quote_spanned! {ty.span()=>
                ::core::assert!(!<#krate::__private::Probe<#ty>>::IS_OPTION, #message);
            });
        }
    }
    let single = match field.shape {
        Shape::Plain => field.ty(),
        Shape::Clearable { inner } => inner,
        // Read as the model's patch: what `nested` is for.
        Shape::Nested | Shape::NestedClearable { .. } => return None,
    };
    let mut held = Vec::new();
    held_types(field.ty(), &mut held);
    for ty in held {
        if is_std(ty) || !bound::is_concrete(generics, ty) {
            continue;
        }
        let message = escape_braces(&message(field, ty, same_type(ty, single)));
        asserts.push(quote_spanned! {ty.span()=>
            ::core::assert!(!<#krate::__private::Probe<#ty>>::IS_MODEL, #message);
        });
    }
    if asserts.is_empty() {
        return None;
    }
    let name = check_name(field);
    Some(quote! {
        const #name: () = { #(#asserts)* };
    })
}

/// The field's own name, which rustc shows in its label; with `_` appended while the field's
/// type mentions that name (`n: [u8; n]` must still find the user's `n`).
fn check_name(field: &Field) -> Ident {
    let mut found = Idents::default();
    found.visit_type(field.ty());
    let mut name = syn::ext::IdentExt::unraw(field.ident).to_string();
    while found.0.contains(&name) {
        name.push('_');
    }
    let span = field.ident.span();
    match syn::parse_str::<Ident>(&name) {
        Ok(ident) => Ident::new(&ident.to_string(), span),
        // A keyword (`r#type`), written raw as the field is.
        Err(_) => Ident::new_raw(&name, span),
    }
}

/// Every identifier a type mentions.
#[derive(Default)]
struct Idents(BTreeSet<String>);

impl<'ast> Visit<'ast> for Idents {
    fn visit_ident(&mut self, ident: &'ast Ident) {
        self.0.insert(syn::ext::IdentExt::unraw(ident).to_string());
    }
}

/// The message as `assert!`'s format string: a type such as `[u8; { N }]` shows its braces.
fn escape_braces(message: &str) -> String {
    message.replace('{', "{{").replace('}', "}}")
}

/// `ty` and every type it is built from: type arguments, tuple, array and slice elements,
/// referents.
fn held_types<'a>(ty: &'a Type, out: &mut Vec<&'a Type>) {
    match ty {
        Type::Path(path) => {
            out.push(ty);
            for segment in &path.path.segments {
                if let PathArguments::AngleBracketed(args) = &segment.arguments {
                    for arg in &args.args {
                        if let GenericArgument::Type(arg) = arg {
                            held_types(arg, out);
                        }
                    }
                }
            }
        }
        Type::Tuple(tuple) => tuple.elems.iter().for_each(|elem| held_types(elem, out)),
        Type::Array(array) => held_types(&array.elem, out),
        Type::Slice(slice) => held_types(&slice.elem, out),
        Type::Reference(reference) => held_types(&reference.elem, out),
        Type::Paren(paren) => held_types(&paren.elem, out),
        Type::Group(group) => held_types(&group.elem, out),
        _ => {}
    }
}

/// Types that are certainly not the user's own: they need no assertion (a model holds
/// dozens of `String`s and integers). Only the primitive types and `String`, by their bare
/// name (a model named `u8` or `String` would shadow them, which no one does), and any type
/// written with a `std::`, `core::` or `alloc::` path. Any other name may be the user's own
/// type: a model named `Duration` or `HashSet` is checked like any other, and so is the
/// standard one imported by `use` (its assertion simply holds).
fn is_std(ty: &Type) -> bool {
    const PRIMITIVE: &[&str] = &[
        "bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32",
        "i64", "i128", "isize", "f32", "f64", "String",
    ];
    let Type::Path(path) = ty else { return false };
    if path.qself.is_some() {
        return false;
    }
    let segments = &path.path.segments;
    match (segments.first(), segments.len()) {
        (Some(only), 1) => {
            path.path.leading_colon.is_none()
                && only.arguments.is_none()
                && PRIMITIVE.iter().any(|name| only.ident == name)
        }
        (Some(first), _) => ["std", "core", "alloc"]
            .iter()
            .any(|root| first.ident == root),
        (None, _) => false,
    }
}

fn same_type(a: &Type, b: &Type) -> bool {
    std::ptr::eq(a, b)
}

fn message(field: &Field, held: &Type, single: bool) -> String {
    let ident = syn::ext::IdentExt::unraw(field.ident);
    let held = type_str(held);
    if single {
        format!(
            "field `{ident}` holds `{held}`, which derives `SafeUpdate`: `allow` would read it \
             with `{held}`'s own `Deserialize`, so a client could write its server-only and \
             role-gated fields; mark the field `#[update(nested)]` to merge `{held}`'s patch \
             instead"
        )
    } else {
        let whole = type_str(field.ty());
        format!(
            "field `{ident}` holds `{held}` (in `{whole}`), which derives `SafeUpdate`: `allow` \
             would replace the whole value, each `{held}` read with its own `Deserialize`, so a \
             client could write the server-only and role-gated fields of every one. \
             `#[update(nested)]` takes a single `{held}` or `Option<{held}>`: a collection has \
             no merge patch (RFC 7396 replaces arrays whole). Make the field \
             `#[update(server_only)]` and change one element at a time through `{held}`'s \
             patch, or hold a type that does not derive `SafeUpdate`"
        )
    }
}

/// A type as a user writes it: `Vec<Address>`, not `Vec < Address >`.
fn type_str(ty: &Type) -> String {
    let mut text = quote!(#ty).to_string();
    for (from, to) in [
        (" <", "<"),
        ("< ", "<"),
        (" >", ">"),
        (" ::", "::"),
        (":: ", "::"),
        (" ,", ","),
        ("& ", "&"),
        (" ;", ";"),
        ("[ ", "["),
        (" ]", "]"),
        ("( ", "("),
        (" )", ")"),
    ] {
        text = text.replace(from, to);
    }
    text
}
