//! `__private::view_schema::ViewFields` of a model with views (feature `schemars`): each field
//! a view may write, its value's schema and who sees it, from which the runtime builds
//! `ViewSchema<M>`. Who sees a field is said in *atoms*, the roles and conditions its read
//! rules name, so that the runtime can list the field sets of every kind of reader. And, for
//! every model, `AsNested`: its schema where a parent's view writes it nested (its views', or
//! its type's `JsonSchema`).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::gen::Gen;
use super::grant::rule_name;
use crate::ast::{Field, Read};

pub fn expand(gen: &Gen) -> TokenStream {
    if !cfg!(feature = "schemars") {
        return TokenStream::new();
    }
    if gen.input.attrs.view.is_none() {
        return as_nested_without_views(gen);
    }
    let krate = &gen.krate;
    let schema = quote!(#krate::__private::schema);
    let model = gen.model;
    let generics = &gen.input.original.generics;
    let (impl_generics, ty_generics, _) = generics.split_for_impl();
    let written: Vec<&Field> = gen
        .input
        .fields
        .iter()
        .filter(|field| field.in_views())
        .collect();
    let mut atoms: Vec<String> = Vec::new();
    let mut atom = |name: String| match atoms.iter().position(|seen| *seen == name) {
        Some(index) => index,
        None => {
            atoms.push(name);
            atoms.len() - 1
        }
    };
    let mut bounds: Vec<syn::WherePredicate> = gen.bounds.clone();
    let fields: Vec<TokenStream> = written
        .iter()
        .map(|field| {
            let grants = match &field.read {
                Read::Grants(grants) => {
                    let grants = grants.iter().map(|grant| {
                        let mut clauses = Vec::new();
                        if !grant.roles.is_empty() {
                            let roles: Vec<usize> = grant
                                .roles
                                .iter()
                                .map(|role| atom(format!("role {:?}", role.value())))
                                .collect();
                            clauses.push(quote!(&[#(#roles),*]));
                        }
                        for rule in &grant.when {
                            let index = atom(rule_name(rule));
                            clauses.push(quote!(&[#index]));
                        }
                        quote!(&[#(#clauses),*])
                    });
                    quote!(&[#(#grants),*])
                }
                Read::Anyone | Read::Secret => quote!(&[&[]]),
            };
            let name = &field.ser_name;
            let always = field.skip_serializing_if.is_none();
            let ty = field.ty();
            // A field written through its own function may not have its type's schema: any
            // value is allowed for it (the view's schema stays true of what is served).
            let nested = field
                .nested_ty()
                .filter(|ty| !crate::bound::is_generic(generics, ty));
            let value = if field.write_with.is_some() {
                quote!(#schema::schemars::Schema::from(true))
            } else if let Some(ty) = nested {
                // A nested model is written by its own view when it has one (`view.rs`): its
                // schema is then its views' (`ViewSchema`), else its type's (`AsNested`).
                bounds.push(syn::parse_quote_spanned!(ty.span()=> for<'__view> #ty: #krate::__private::view_schema::AsNested));
                quote_spanned!(ty.span()=> <#ty as #krate::__private::view_schema::AsNested>::nested_schema(generator))
            } else {
                bounds.push(syn::parse_quote_spanned!(ty.span()=> for<'__view> #ty: #schema::schemars::JsonSchema));
                quote_spanned!(ty.span()=> generator.subschema_for::<#ty>())
            };
            let doc = match &field.doc {
                Some(doc) => quote!(::core::option::Option::Some(#doc)),
                None => quote!(::core::option::Option::None),
            };
            quote! {
                #krate::__private::view_schema::ViewField {
                    name: #name,
                    schema: #value,
                    always: #always,
                    grants: #grants,
                    doc: #doc,
                }
            }
        })
        .collect();
    let where_clause = gen.where_clause(&bounds);
    let name = model.to_string();
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::__private::view_schema::AsNested for #model #ty_generics #where_clause {
            fn nested_schema(
                generator: &mut #schema::schemars::SchemaGenerator,
            ) -> #schema::schemars::Schema {
                generator.subschema_for::<#krate::ViewSchema<Self>>()
            }
        }

        #[automatically_derived]
        impl #impl_generics #krate::__private::view_schema::ViewFields for #model #ty_generics #where_clause {
            const NAME: &'static str = #name;
            const ATOMS: &'static [&'static str] = &[#(#atoms),*];

            fn view_fields(
                generator: &mut #schema::schemars::SchemaGenerator,
            ) -> ::std::vec::Vec<#krate::__private::view_schema::ViewField> {
                ::std::vec![#(#fields),*]
            }
        }
    }
}

/// `AsNested` of a model without views, where its type implements `JsonSchema`: a parent's
/// view writes it by its `Serialize`, which that schema describes.
fn as_nested_without_views(gen: &Gen) -> TokenStream {
    let krate = &gen.krate;
    let schema = quote!(#krate::__private::schema);
    let model = gen.model;
    let generics = &gen.input.original.generics;
    let (impl_generics, ty_generics, _) = generics.split_for_impl();
    let mut bounds = gen.bounds.clone();
    bounds.push(syn::parse_quote!(for<'__view> #model #ty_generics: #schema::schemars::JsonSchema));
    let where_clause = gen.where_clause(&bounds);
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::__private::view_schema::AsNested for #model #ty_generics #where_clause {
            fn nested_schema(
                generator: &mut #schema::schemars::SchemaGenerator,
            ) -> #schema::schemars::Schema {
                generator.subschema_for::<Self>()
            }
        }
    }
}
