//! `#[update(view)]`: `SafeView` of the model, which serializes the fields an identity may
//! read as serde's derive serializes the model (the same names, `serialize_with` functions and
//! `skip_serializing_if` tests, one `serialize_struct` whose length counts the fields written),
//! and the checks that a model with a secret field serializes only through its views.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::gen::{at_user as at, Gen};
use crate::ast::{Field, Read};
use crate::attr::Grant;
use crate::bound;

/// The `SafeView` impl (inside the `const _` block) and, for a non-generic model with a secret
/// field, the checks that it implements none of the traits that would write the secret.
pub fn expand(gen: &Gen) -> TokenStream {
    let Some(_) = &gen.input.attrs.view else {
        return TokenStream::new();
    };
    let krate = &gen.krate;
    let serde = quote!(#krate::__private::serde);
    let model = gen.model;
    let generics = &gen.input.original.generics;
    let (impl_generics, ty_generics, _) = generics.split_for_impl();
    let written: Vec<&Field> = gen
        .input
        .fields
        .iter()
        .filter(|field| field.in_views())
        .collect();
    // The `SafeUpdate` impl's bounds (a supertrait), and `Serialize` of each written field
    // whose type uses a parameter.
    let mut bounds = gen.bounds.clone();
    bounds.extend(
        written
            .iter()
            .filter(|field| field.write_with.is_none() && bound::is_generic(generics, field.ty()))
            .map(|field| {
                let ty = field.ty();
                let bound: syn::WherePredicate = syn::parse_quote!(#ty: #serde::Serialize);
                bound
            }),
    );
    let where_clause = gen.where_clause(&bounds);
    let sees = written.iter().map(|field| {
        let name = sees_name(field);
        let admits = match &field.read {
            Read::Grants(grants) => readable(gen, grants),
            Read::Anyone | Read::Secret => quote!(true),
        };
        quote!(let #name: bool = #admits;)
    });
    let counts = written.iter().map(|field| {
        let sees = sees_name(field);
        match &field.skip_serializing_if {
            Some(skip) => {
                let ident = field.ident;
                quote_spanned!(at(skip.span())=> (#sees && !#skip(&self.#ident)) as usize)
            }
            None => quote!(#sees as usize),
        }
    });
    let writes = written.iter().map(|field| write_field(gen, field));
    let name = &gen.input.ser_name;
    let secret_checks = secret_checks(gen);
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::SafeView for #model #ty_generics #where_clause {
            #[inline]
            fn __serialize_view<__S: #serde::Serializer, __W: #krate::Sender<#krate::IdentityOf<Self>> + ?::core::marker::Sized>(
                &self,
                __who: &__W,
                __serializer: __S,
            ) -> ::core::result::Result<__S::Ok, __S::Error> {
                #(#sees)*
                let __len = 0 #(+ #counts)*;
                let mut __state = #serde::Serializer::serialize_struct(__serializer, #name, __len)?;
                #(#writes)*
                #serde::ser::SerializeStruct::end(__state)
            }
        }

        #secret_checks
    }
}

fn sees_name(field: &Field) -> syn::Ident {
    format_ident!("__sees_{}", syn::ext::IdentExt::unraw(field.ident))
}

/// Whether one of the `read(...)` grants admits `__who`: its roles (any), then its conditions.
fn readable(gen: &Gen, grants: &[Grant]) -> TokenStream {
    let krate = &gen.krate;
    let identity = gen.identity();
    let each = grants.iter().map(|grant| {
        let roles = grant
            .roles
            .iter()
            .map(|role| quote!(#krate::Sender::<#identity>::holds(__who, #role)));
        let role = (!grant.roles.is_empty()).then(|| quote!((false #(|| #roles)*)));
        let conditions = grant.when.iter().map(|rule| {
            let who = quote!(#krate::Sender::<#identity>::identity(__who));
            let call = quote_spanned!(at(rule.span())=> #rule(#who, self));
            quote!(#krate::__private::admits(#call))
        });
        let parts: Vec<TokenStream> = role.into_iter().chain(conditions).collect();
        quote!((true #(&& #parts)*))
    });
    quote!((false #(|| #each)*))
}

/// One field written, when seen: through its `serialize_with` function if it has one, skipped
/// as serde's derive skips it when its `skip_serializing_if` says so.
fn write_field(gen: &Gen, field: &Field) -> TokenStream {
    let krate = &gen.krate;
    let serde = quote!(#krate::__private::serde);
    let ident = field.ident;
    let key = &field.ser_name;
    let sees = sees_name(field);
    let value = match &field.write_with {
        Some(function) => {
            let ty = field.ty();
            let generics = &gen.input.original.generics;
            let (_, model_args, where_clause) = generics.split_for_impl();
            let model = gen.model;
            // The model's parameters, declared (`'a, T: Bound`) and as arguments (`'a, T`),
            // after the wrapper's own lifetime.
            let declared: Vec<&syn::GenericParam> = generics.params.iter().collect();
            let args: Vec<TokenStream> = generics
                .params
                .iter()
                .map(|param| match param {
                    syn::GenericParam::Type(param) => {
                        let ident = &param.ident;
                        quote!(#ident)
                    }
                    syn::GenericParam::Lifetime(param) => {
                        let lifetime = &param.lifetime;
                        quote!(#lifetime)
                    }
                    syn::GenericParam::Const(param) => {
                        let ident = &param.ident;
                        quote!(#ident)
                    }
                })
                .collect();
            // As serde's derive: a wrapper whose `Serialize` calls the model's function, typed
            // at the function so that a wrong signature is reported there.
            let call = quote_spanned!(at(function.span())=> #function(self.0, __serializer));
            quote! {{
                struct __SerializeWith<'__a, #(#declared,)*>(&'__a #ty, ::core::marker::PhantomData<&'__a #model #model_args>) #where_clause;
                impl<'__a, #(#declared,)*> #serde::Serialize for __SerializeWith<'__a, #(#args,)*> #where_clause {
                    fn serialize<__S2: #serde::Serializer>(&self, __serializer: __S2) -> ::core::result::Result<__S2::Ok, __S2::Error> {
                        #call
                    }
                }
                &__SerializeWith(&self.#ident, ::core::marker::PhantomData)
            }}
        }
        None => quote!(&self.#ident),
    };
    let generics = &gen.input.original.generics;
    let nested = field
        .nested_ty()
        .filter(|ty| field.write_with.is_none() && !crate::bound::is_generic(generics, ty));
    let write = match nested {
        // A nested model is written by its own view when it has one (its read rules hold here
        // too), on behalf of the parent's sender as the nested model's identity
        // (`__share_<field>`, the constant the checks use); by its `Serialize` otherwise. A
        // generic nested type cannot be told apart: its `Serialize`.
        Some(_) => {
            let share = super::gen::share_const(field);
            quote! {{
                #[allow(unused_imports)]
                use #krate::__private::WriteNestedBySerialize as _;
                (&#krate::__private::NestedField(&self.#ident, #krate::__private::Shared::new(__who, #share)))
                    .__write(&mut __state, #key)?;
            }}
        }
        None => quote! {
            #serde::ser::SerializeStruct::serialize_field(&mut __state, #key, #value)?;
        },
    };
    match &field.skip_serializing_if {
        Some(skip) => {
            let test = quote_spanned!(at(skip.span())=> #skip(&self.#ident));
            quote! {
                if #sees {
                    if #test {
                        #serde::ser::SerializeStruct::skip_field(&mut __state, #key)?;
                    } else {
                        #write
                    }
                }
            }
        }
        None => quote!(if #sees { #write }),
    }
}

/// For a non-generic model with a secret field: it implements none of `Serialize`,
/// `schemars::JsonSchema` and `utoipa::ToSchema` (the latter two under the runtime's features),
/// each an ambiguity when it does (`__private::SecretFieldForbids*`). A generic model cannot be
/// checked: whether `Model<T>` implements a trait depends on `T`.
fn secret_checks(gen: &Gen) -> TokenStream {
    let generics = &gen.input.original.generics;
    if !generics.params.is_empty() {
        return TokenStream::new();
    }
    let Some(secret) = gen
        .input
        .fields
        .iter()
        .find(|field| matches!(field.read, Read::Secret))
    else {
        return TokenStream::new();
    };
    let krate = &gen.krate;
    // Spanned at the secret field, which rustc then names as the reason for the ambiguity.
    let span = secret.ident.span();
    let model = syn::Ident::new(&gen.model.to_string(), span);
    let checks = [
        quote!(SecretFieldForbidsSerialize),
        quote!(SecretFieldForbidsJsonSchema),
        quote!(SecretFieldForbidsToSchema),
    ]
    .into_iter()
    .map(|check| {
        quote_spanned! {span=>
            const _: fn() = <#model as #krate::__private::#check<_>>::check;
        }
    });
    quote!(#(#checks)*)
}
