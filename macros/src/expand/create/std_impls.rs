//! `Clone`, `PartialEq`, `Serialize` and `Debug` of the create input, each where its fields
//! allow (higher-ranked bounds, as for the patch's in `expand/std_impls.rs`).

use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;

use super::types::input_ty;
use crate::expand::de::serialize_body;
use crate::expand::gen::Gen;

/// `Debug` (a `redact` field's value as `[redacted]`), `Clone`, `PartialEq` and `Serialize`
/// of the input, each only where every field has it.
pub fn expand(gen: &Gen) -> TokenStream {
    let new = &gen.names.new;
    let idents: Vec<&Ident> = gen.input.creatable().map(|field| field.ident).collect();
    let nested = gen.create_bounds();
    let bounded = |trait_path: TokenStream| -> TokenStream {
        let bounds = gen.input.creatable().map(|field| {
            let ty = input_ty(gen, field);
            quote!(for<'__x> #ty: #trait_path)
        });
        quote!(where #(#bounds,)* #(#nested,)*)
    };
    let clone_where = bounded(quote!(::core::clone::Clone));
    let debug_where = bounded(quote!(::core::fmt::Debug));
    let eq_where = bounded(quote!(::core::cmp::PartialEq));
    let krate = &gen.krate;
    let serde = quote!(#krate::__private::serde);
    let serialize_where = bounded(quote!(#serde::Serialize));
    // What a document that reads back to this input holds: every required field, and each
    // optional or defaulted one that is `Some`.
    let serialize = serialize_body(gen, &new.to_string(), |field| {
        field.create_kind.is_required()
    });
    let debug_fields = gen.input.creatable().map(|field| {
        let ident = field.ident;
        let name = syn::ext::IdentExt::unraw(ident).to_string();
        if field.redact {
            quote!(__debug.field(#name, &::core::format_args!("[redacted]"));)
        } else {
            quote!(__debug.field(#name, &self.#ident);)
        }
    });
    let name = new.to_string();
    quote! {
        #[automatically_derived]
        impl ::core::clone::Clone for #new #clone_where {
            #[inline]
            fn clone(&self) -> Self {
                Self { #(#idents: ::core::clone::Clone::clone(&self.#idents),)* }
            }
        }

        #[automatically_derived]
        impl ::core::cmp::PartialEq for #new #eq_where {
            #[inline]
            fn eq(&self, __other: &Self) -> bool {
                true #(&& self.#idents == __other.#idents)*
            }
        }

        /// The document that reads back to this input, so that a Rust client can send one.
        #[automatically_derived]
        impl #serde::Serialize for #new #serialize_where {
            fn serialize<__S: #serde::Serializer>(
                &self,
                __serializer: __S,
            ) -> ::core::result::Result<__S::Ok, __S::Error> {
                #serialize
            }
        }

        /// Shows every field; a `redact` field's value as `[redacted]`.
        #[automatically_derived]
        impl ::core::fmt::Debug for #new #debug_where {
            fn fmt(&self, __formatter: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                let mut __debug = __formatter.debug_struct(#name);
                #(#debug_fields)*
                __debug.finish()
            }
        }

    }
}
