//! `Default`, `Clone`, `Debug` and `PartialEq` of the patch, each where its fields allow: the
//! bounds are higher-ranked so that a field type without the trait makes the impl not apply
//! instead of failing the derive.

use proc_macro2::TokenStream;
use quote::quote;

use super::gen::Gen;

pub fn expand(gen: &Gen) -> TokenStream {
    let patch = &gen.names.patch;
    let generics = &gen.input.original.generics;
    let (impl_generics, ty_generics, _) = generics.split_for_impl();
    let idents: Vec<&syn::Ident> = gen.input.writable().map(|field| field.ident).collect();
    let marker = gen
        .needs_marker
        .then(|| quote!(__marker: ::core::marker::PhantomData,));
    let bounded = |trait_path: TokenStream| -> TokenStream {
        let bounds: Vec<syn::WherePredicate> = gen
            .input
            .writable()
            .map(|field| {
                let ty = gen.patch_value_ty(field);
                syn::parse_quote!(for<'__x> #ty: #trait_path)
            })
            .collect();
        gen.where_clause(&bounds)
    };
    let default_where = gen.where_clause(&[]);
    let clone_where = bounded(quote!(::core::clone::Clone));
    let debug_where = bounded(quote!(::core::fmt::Debug));
    let eq_where = bounded(quote!(::core::cmp::PartialEq));
    let debug_fields = gen.input.writable().map(|field| {
        let ident = field.ident;
        let name = syn::ext::IdentExt::unraw(ident).to_string();
        if field.redact {
            quote! {
                if self.#ident.is_some() {
                    __debug.field(#name, &::core::format_args!("[redacted]"));
                }
            }
        } else {
            quote! {
                if let ::core::option::Option::Some(__value) = &self.#ident {
                    __debug.field(#name, __value);
                }
            }
        }
    });
    let name = patch.to_string();
    quote! {
        #[automatically_derived]
        impl #impl_generics ::core::default::Default for #patch #ty_generics #default_where {
            #[inline]
            fn default() -> Self {
                Self {
                    #(#idents: ::core::option::Option::None,)*
                    #marker
                }
            }
        }

        #[automatically_derived]
        impl #impl_generics ::core::clone::Clone for #patch #ty_generics #clone_where {
            #[inline]
            fn clone(&self) -> Self {
                Self {
                    #(#idents: ::core::clone::Clone::clone(&self.#idents),)*
                    #marker
                }
            }
        }

        #[automatically_derived]
        impl #impl_generics ::core::cmp::PartialEq for #patch #ty_generics #eq_where {
            #[inline]
            fn eq(&self, __other: &Self) -> bool {
                true #(&& self.#idents == __other.#idents)*
            }
        }

        /// Shows the fields the patch writes, and no others; a `redact` field's value as
        /// `[redacted]`.
        #[automatically_derived]
        impl #impl_generics ::core::fmt::Debug for #patch #ty_generics #debug_where {
            #[inline]
            fn fmt(&self, __formatter: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                let mut __debug = __formatter.debug_struct(#name);
                #(#debug_fields)*
                __debug.finish()
            }
        }

    }
}
