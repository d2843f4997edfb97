//! Reading and writing documents: key classification, per-field reads, and the serde impls.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use super::Gen;
use crate::ast::Field;

/// `__key`: each spelling of a writable field gives its index; each spelling of a server-only
/// field is forbidden; anything else is unknown.
pub fn key_fn(gen: &Gen) -> TokenStream {
    let krate = &gen.krate;
    let fields = gen.input.writable().enumerate().map(|(index, field)| {
        let index = index as u16;
        let names = field.names();
        quote!(#(#names)|* => #krate::__private::Key::Field(#index),)
    });
    let forbidden = gen.input.server_only().map(|field| {
        let names = field.names();
        quote!(#(#names)|* => #krate::__private::Key::Forbidden,)
    });
    quote! {
        #[inline]
        fn __key(__key: &str) -> #krate::__private::Key {
            match __key {
                #(#fields)*
                #(#forbidden)*
                _ => #krate::__private::Key::Unknown,
            }
        }
    }
}

/// `__field`: reads the value of one writable field.
pub fn field_fn(gen: &Gen) -> TokenStream {
    let krate = &gen.krate;
    let serde = quote!(#krate::__private::serde);
    let arms = gen.input.writable().enumerate().map(|(index, field)| {
        let index = index as u16;
        let ident = field.ident;
        let wire = &field.wire;
        let read = reader(field);
        let span = syn::spanned::Spanned::span(field.ty());
        quote_spanned! {span=>
            #index => #krate::__private::#read(&mut self.#ident, __map, __collector, __path, #wire),
        }
    });
    quote! {
        #[inline]
        fn __field<'__de, __A: #serde::de::MapAccess<'__de>>(
            &mut self,
            __index: u16,
            __map: &mut __A,
            __collector: &mut #krate::__private::Collector,
            __path: #krate::__private::Path<'_>,
        ) -> ::core::result::Result<(), __A::Error> {
            match __index {
                #(#arms)*
                _ => #serde::de::MapAccess::next_value::<#serde::de::IgnoredAny>(__map).map(|_| ()),
            }
        }
    }
}

fn reader(field: &Field) -> syn::Ident {
    let name = match (field.nested, field.optional.is_some()) {
        (false, false) => "required",
        (false, true) => "optional",
        (true, false) => "nested",
        (true, true) => "nested_optional",
    };
    syn::Ident::new(name, proc_macro2::Span::call_site())
}

/// `Deserialize` through the runtime (one message for every problem) and `Serialize` of the
/// present fields only, so that a Rust client can send patches.
pub fn serde_impls(gen: &Gen) -> TokenStream {
    let krate = &gen.krate;
    let serde = quote!(#krate::__private::serde);
    let patch = &gen.patch;
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
    let count = gen.input.writable().map(|field| {
        let ident = field.ident;
        quote!(usize::from(self.#ident.is_some()))
    });
    let fields = gen.input.writable().map(|field| {
        let ident = field.ident;
        let wire = &field.wire;
        quote! {
            match &self.#ident {
                ::core::option::Option::Some(__value) => #serde::ser::SerializeStruct::serialize_field(&mut __state, #wire, __value)?,
                ::core::option::Option::None => #serde::ser::SerializeStruct::skip_field(&mut __state, #wire)?,
            }
        }
    });
    let name = patch.to_string();
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
                let mut __state = #serde::Serializer::serialize_struct(
                    __serializer,
                    #name,
                    0 #(+ #count)*,
                )?;
                #(#fields)*
                #serde::ser::SerializeStruct::end(__state)
            }
        }
    }
}
