//! `Patch::__PATHS`: where each field of the model sits in a JSON Patch document (RFC 6902),
//! as data the runtime's `json_patch` resolves pointers against: the keys the model's
//! `Deserialize` reads for it, the name its view writes it under, whether a patch may write
//! it, and what a pointer may address inside it (a list's elements, a nested model's fields).

use proc_macro2::TokenStream;
use quote::quote;
use syn::Type;

use super::gen::Gen;
use crate::ast::{option_inner, Field, Read};
use crate::attr::Policy;

/// The `__PATHS` constant of the `Patch` impl.
pub fn paths_const(gen: &Gen) -> TokenStream {
    let krate = &gen.krate;
    // A flattened field has no key of its own: a pointer cannot name it (its keys are
    // unknown to JSON Patch, refused rather than guessed).
    let fields = gen
        .input
        .fields
        .iter()
        .filter(|field| !field.flatten)
        .map(|field| path_field(gen, field));
    // Where each writable field (by its index among the patch's fields, what `Fields::key`
    // answers) is in `__PATHS`: `u16::MAX` for a flattened one, which is in none.
    let shown: Vec<&Field> = gen
        .input
        .fields
        .iter()
        .filter(|field| !field.flatten)
        .collect();
    let path_of = gen.input.writable().map(|field| {
        let at = shown.iter().position(|other| std::ptr::eq(*other, field));
        at.map_or(u16::MAX, |at| at as u16)
    });
    quote! {
        const __PATHS: &'static [#krate::__private::PathField] = &[#(#fields),*];
        const __PATH_OF: &'static [u16] = &[#(#path_of),*];
    }
}

fn path_field(gen: &Gen, field: &Field) -> TokenStream {
    let krate = &gen.krate;
    let keys = field.names();
    // A model without views is read only nested, where its parent's view writes it whole by
    // its `Serialize`: every field it serializes is shown, server-only ones too.
    let readable = if gen.input.attrs.view.is_some() {
        field.in_views()
    } else {
        !field.skip_serializing
    };
    let shown = if readable {
        let name = &field.ser_name;
        quote!(::core::option::Option::Some(#name))
    } else {
        quote!(::core::option::Option::None)
    };
    let writable = field.policy == Policy::Writable && !field.create_only;
    let optional = option_inner(field.ty()).is_some();
    // Present in every view that shows the model: no read rule, never skipped, never `None`.
    let always = readable
        && !optional
        && field.skip_serializing_if.is_none()
        && matches!(field.read, Read::Anyone);
    let shape = match field.nested_ty() {
        Some(nested) => {
            quote!(#krate::__private::PathShape::Nested(<<#nested as #krate::SafeUpdate>::Patch as #krate::Patch>::__PATHS))
        }
        None if is_vec(option_inner(field.ty()).unwrap_or(field.ty())) => {
            quote!(#krate::__private::PathShape::List)
        }
        None => quote!(#krate::__private::PathShape::Value),
    };
    quote! {
        #krate::__private::PathField {
            keys: &[#(#keys),*],
            shown: #shown,
            writable: #writable,
            optional: #optional,
            always: #always,
            shape: #shape,
        }
    }
}

/// `Vec<T>` (by its last segment, as `Option` is recognized): a list whose elements a pointer
/// may address by index, or `-` after the last.
fn is_vec(ty: &Type) -> bool {
    let Type::Path(path) = ty else { return false };
    path.qself.is_none()
        && path
            .path
            .segments
            .last()
            .is_some_and(|last| last.ident == "Vec")
}
