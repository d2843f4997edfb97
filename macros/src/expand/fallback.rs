//! What is emitted next to our errors: the patch type (and, with `create`, the create input and
//! server-fields types) with no fields, so that code naming it does not add "cannot find type
//! `UserPatch`" to the real error.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use super::names::Names;
use crate::symbol::{CREATE, NAME, UPDATE};

pub fn stub(input: &DeriveInput) -> TokenStream {
    let Names { patch, new, server } = Names::new(&input.ident, name(input));
    let vis = &input.vis;
    let generics = &input.generics;
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let marker = super::patch_type::marker_ty(generics);
    let create = has_create(input).then(|| {
        quote! {
            #[doc(hidden)]
            #vis struct #new #generics #where_clause { __marker: #marker }
            #[doc(hidden)]
            #vis struct #server #generics #where_clause { __marker: #marker }
        }
    });
    quote! {
        #create
        #[doc(hidden)]
        #vis struct #patch #generics #where_clause {
            __marker: #marker,
        }
        impl #impl_generics ::core::default::Default for #patch #ty_generics #where_clause {
            fn default() -> Self {
                Self { __marker: ::core::marker::PhantomData }
            }
        }
    }
}

/// Whether the struct asks for `create` (then the stubs of its two types are emitted too).
fn has_create(input: &DeriveInput) -> bool {
    let mut found = false;
    for attr in input.attrs.iter().filter(|attr| attr.path() == UPDATE) {
        let _ = attr.parse_nested_meta(|meta| {
            found |= meta.path == CREATE;
            crate::meta::skip_value(&meta)
        });
    }
    found
}

/// The patch type's name from `#[update(name = "...")]`, if it parses.
fn name(input: &DeriveInput) -> Option<syn::Ident> {
    for attr in input.attrs.iter().filter(|attr| attr.path() == UPDATE) {
        let mut found = None;
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path == NAME {
                let lit: syn::LitStr = meta.value()?.parse()?;
                found = syn::parse_str::<syn::Ident>(&lit.value()).ok();
            } else {
                crate::meta::skip_value(&meta)?;
            }
            Ok(())
        });
        if found.is_some() {
            return found;
        }
    }
    None
}
