//! The patch's serde impls (its `Deserialize` reads through the runtime, as its `Fields`
//! says: `fields.rs`), and the types that name the model's `deserialize_with` functions.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::gen::Gen;
use crate::ast::Field;

/// The patch's `Deserialize` and `Serialize`, and one type per `deserialize_with` field.
pub fn expand(gen: &Gen) -> TokenStream {
    let with_types = gen.input.creatable().map(|field| with_type(gen, field));
    let serde_impls = serde_impls(gen);
    quote! {
        #(#with_types)*
        #serde_impls
    }
}

/// The name of the type that names the model's `deserialize_with` function of `field`.
pub(super) fn with_type_name(field: &Field) -> syn::Ident {
    format_ident!(
        "__DeserializeWith_{}",
        syn::ext::IdentExt::unraw(field.ident)
    )
}

/// For a field read through the model's `deserialize_with` function: a type naming that
/// function, generic over the model's parameters since the field's type may use them.
///
/// The function is checked against the signature serde documents for it, written with the
/// names serde's documentation uses (`'de`, `D`) so that a function of the wrong type is
/// reported in the user's terms:
///
/// ```text
/// expected fn pointer `fn(D) -> Result<String, <D as Deserializer<'de>>::Error>`
/// ```
fn with_type(gen: &Gen, field: &Field) -> Option<TokenStream> {
    let read_with = field.read_with.as_ref()?;
    let krate = &gen.krate;
    let serde = quote!(#krate::__private::serde);
    let name = with_type_name(field);
    let generics = &gen.input.original.generics;
    let (impl_generics, ty_generics, _) = generics.split_for_impl();
    let ty = field.ty();
    let (de, d) = readable_names(generics, ty, read_with);
    let mut de_generics = generics.clone();
    de_generics.params.insert(0, syn::parse_quote!(#de));
    let (de_impl_generics, _, _) = de_generics.split_for_impl();
    let struct_where = gen.where_clause(&[]);
    // The patch's bounds, `#[update(bound)]`'s when given: a generic function may need them,
    // as with serde, whose `bound` covers its `deserialize_with` calls.
    let where_clause = gen.where_clause(&gen.bounds);
    let marker = super::patch_type::marker_ty(generics);
    // The expected signature spanned at the field's type, the function at the user's string:
    // a function of the wrong type is reported there, "expected due to" the field.
    let signature = quote_spanned!(ty.span()=>
        fn(#d) -> ::core::result::Result<#ty, <#d as #serde::Deserializer<#de>>::Error>
    );
    let function = quote_spanned!(read_with.span()=> #read_with);
    Some(quote! {
        struct #name #impl_generics (#marker) #struct_where;

        #[automatically_derived]
        impl #de_impl_generics #krate::__private::DeserializeWith<#de> for #name #ty_generics #where_clause {
            type Value = #ty;

            #[inline]
            fn deserialize<#d: #serde::Deserializer<#de>>(
                __deserializer: #d,
            ) -> ::core::result::Result<#ty, <#d as #serde::Deserializer<#de>>::Error> {
                let __read: #signature = #function;
                __read(__deserializer)
            }
        }
    })
}

/// `'de` and `D` (serde's names), or, when the model's parameters or the field's type use
/// them, `'de2`/`D2` and so on.
fn readable_names(
    generics: &syn::Generics,
    ty: &syn::Type,
    read_with: &syn::ExprPath,
) -> (syn::Lifetime, syn::Ident) {
    use syn::visit::Visit;

    #[derive(Default)]
    struct Taken(std::collections::BTreeSet<String>);
    impl<'ast> Visit<'ast> for Taken {
        fn visit_ident(&mut self, ident: &'ast syn::Ident) {
            self.0.insert(ident.to_string());
        }
        fn visit_lifetime(&mut self, lifetime: &'ast syn::Lifetime) {
            self.0.insert(format!("'{}", lifetime.ident));
        }
    }
    let mut taken = Taken::default();
    taken.visit_generics(generics);
    taken.visit_type(ty);
    taken.visit_expr_path(read_with);
    let free = |base: &str| -> String {
        let mut name = base.to_owned();
        let mut n = 1;
        while taken.0.contains(&name) {
            n += 1;
            name = format!("{base}{n}");
        }
        name
    };
    let lifetime = syn::Lifetime::new(&free("'de"), proc_macro2::Span::call_site());
    let param = format_ident!("{}", free("D"));
    (lifetime, param)
}

/// `Deserialize` through the runtime (one message for every problem) and `Serialize` of the
/// present fields only, so that a Rust client can send patches.
fn serde_impls(gen: &Gen) -> TokenStream {
    let krate = &gen.krate;
    let serde = quote!(#krate::__private::serde);
    let patch = &gen.names.patch;
    let generics = &gen.input.original.generics;
    let (impl_generics, ty_generics, _) = generics.split_for_impl();
    let where_clause = gen.where_clause(&gen.bounds);

    let mut de_generics = generics.clone();
    de_generics.params.insert(0, syn::parse_quote!('__de));
    let (de_impl_generics, _, _) = de_generics.split_for_impl();

    let ser_bounds: Vec<syn::WherePredicate> = gen
        .input
        .writable()
        .map(|field| {
            let ty = gen.patch_value_ty(field);
            syn::parse_quote!(for<'__x> #ty: #serde::Serialize)
        })
        .collect();
    let ser_where = gen.where_clause(&ser_bounds);
    // Every member is optional in a patch.
    let serialize = serialize_body(gen, &patch.to_string(), |_| false);
    quote! {
        #[automatically_derived]
        impl #de_impl_generics #serde::Deserialize<'__de> for #patch #ty_generics #where_clause {
            #[inline]
            fn deserialize<__D: #serde::Deserializer<'__de>>(
                __deserializer: __D,
            ) -> ::core::result::Result<Self, __D::Error> {
                #krate::__private::deserialize::<Self, __D>(__deserializer)
            }
        }

        #[automatically_derived]
        impl #impl_generics #serde::Serialize for #patch #ty_generics #ser_where {
            #[inline]
            fn serialize<__S: #serde::Serializer>(
                &self,
                __serializer: __S,
            ) -> ::core::result::Result<__S::Ok, __S::Error> {
                #serialize
            }
        }
    }
}

/// The body of `Serialize::serialize` for a struct named `name` holding the writable fields,
/// the patch's or the create input's: a field is written always when `always` says so, else
/// only when `Some` (`None` is what leaving it out reads back to).
pub(super) fn serialize_body(
    gen: &Gen,
    name: &str,
    always: impl Fn(&Field) -> bool,
) -> TokenStream {
    let krate = &gen.krate;
    let serde = quote!(#krate::__private::serde);
    let count = gen.input.writable().map(|field| {
        let ident = field.ident;
        if always(field) {
            quote!(1usize)
        } else {
            quote!(usize::from(self.#ident.is_some()))
        }
    });
    let members = gen.input.writable().map(|field| {
        let ident = field.ident;
        let wire = &field.wire;
        if always(field) {
            quote! {
                #serde::ser::SerializeStruct::serialize_field(&mut __state, #wire, &self.#ident)?;
            }
        } else {
            quote! {
                match &self.#ident {
                    ::core::option::Option::Some(__value) => #serde::ser::SerializeStruct::serialize_field(&mut __state, #wire, __value)?,
                    ::core::option::Option::None => #serde::ser::SerializeStruct::skip_field(&mut __state, #wire)?,
                }
            }
        }
    });
    quote! {
        let mut __state = #serde::Serializer::serialize_struct(
            __serializer,
            #name,
            0 #(+ #count)*,
        )?;
        #(#members)*
        #serde::ser::SerializeStruct::end(__state)
    }
}
