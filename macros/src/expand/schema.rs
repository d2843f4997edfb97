//! `schemars::JsonSchema` of the patch (feature `schemars`), and with feature `utoipa` the
//! same schema as `utoipa::ToSchema`: the document the patch's
//! `Deserialize` accepts, built from what the derive knows, never from forwarded attributes.
//! An object with the wire names (and aliases) as properties, no other property, `null` only
//! where the parser takes it, nested patches as their own schemas, role-gated fields marked.
//! The runtime side (`__private::schema`) assembles it.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::WherePredicate;

use super::Gen;
use crate::ast::{Clear, Field, Shape};

pub fn expand(gen: &Gen) -> TokenStream {
    if !cfg!(feature = "schemars") {
        return TokenStream::new();
    }
    let krate = &gen.krate;
    let schema = quote!(#krate::__private::schema);
    let patch = &gen.patch;
    let generics = &gen.input.original.generics;
    let (impl_generics, ty_generics, _) = generics.split_for_impl();
    let where_clause = gen.where_clause(&bounds(gen));
    let name = patch.to_string();
    let description = format!(
        "Patch of `{}`: every member optional, no other member allowed (JSON Merge Patch, \
         RFC 7396).",
        gen.model
    );
    let fields = gen.input.writable().map(|field| add_field(gen, field));
    let utoipa = cfg!(feature = "utoipa").then(|| {
        quote! {
            impl #impl_generics #schema::utoipa::PartialSchema for #patch #ty_generics #where_clause {
                fn schema() -> #schema::utoipa::openapi::RefOr<#schema::utoipa::openapi::Schema> {
                    #schema::openapi_schema::<Self>()
                }
            }

            impl #impl_generics #schema::utoipa::ToSchema for #patch #ty_generics #where_clause {
                fn name() -> #schema::SchemaName {
                    <Self as #schema::schemars::JsonSchema>::schema_name()
                }

                fn schemas(
                    schemas: &mut #schema::Dependencies,
                ) {
                    #schema::openapi_dependencies::<Self>(schemas)
                }
            }
        }
    });
    quote! {
        #utoipa

        impl #impl_generics #schema::schemars::JsonSchema for #patch #ty_generics #where_clause {
            fn schema_name() -> #schema::SchemaName {
                #schema::SchemaName::Borrowed(#name)
            }

            fn schema_id() -> #schema::SchemaName {
                // Unique per instantiation of a generic patch.
                #schema::SchemaName::Borrowed(::core::any::type_name::<Self>())
            }

            fn json_schema(
                generator: &mut #schema::schemars::SchemaGenerator,
            ) -> #schema::schemars::Schema {
                let mut object = #schema::Object::new(#description);
                #(#fields)*
                object.finish()
            }
        }
    }
}

/// `object.field(...)` for one writable field.
fn add_field(gen: &Gen, field: &Field) -> TokenStream {
    let krate = &gen.krate;
    let schema = quote!(#krate::__private::schema);
    let span = field.ty().span();
    let value = match (&field.schema_with, &field.shape) {
        (Some(function), _) => quote_spanned!(function.span()=> #function(generator)),
        (None, Shape::Plain) => {
            let ty = field.ty();
            quote_spanned!(span=> generator.subschema_for::<#ty>())
        }
        (None, Shape::Clearable { inner }) => {
            quote_spanned!(span=> generator.subschema_for::<#inner>())
        }
        (None, Shape::Nested | Shape::NestedClearable { .. }) => {
            let nested = gen.patch_of(field.nested_ty().unwrap_or(field.ty()));
            quote_spanned!(span=> generator.subschema_for::<#nested>())
        }
    };
    let nullable = match &field.shape {
        Shape::Plain | Shape::Nested => quote!(false),
        Shape::Clearable { .. } => quote!(true),
        Shape::NestedClearable {
            clear: Clear::Anyone | Clear::Roles(_),
            ..
        } => quote!(true),
        // The parser refuses `null` when clearing would erase a protected field.
        Shape::NestedClearable {
            inner,
            clear: Clear::Guarded,
        } => {
            let nested = gen.patch_of(inner);
            quote!(!<#nested as #krate::Patch>::__PROTECTED)
        }
    };
    let names = field.names();
    let roles = field.roles.iter();
    let clear_roles = field.clear_roles().unwrap_or_default().iter();
    let keywords = field
        .schema
        .iter()
        .map(|keyword| keyword.to_tokens(&schema));
    let doc = match &field.doc {
        Some(doc) => quote!(::core::option::Option::Some(#doc)),
        None => quote!(::core::option::Option::None),
    };
    quote! {
        object.field(
            #schema::Field {
                names: &[#(#names),*],
                nullable: #nullable,
                roles: &[#(#roles),*],
                clear_roles: &[#(#clear_roles),*],
                keywords: &[#(#keywords),*],
                doc: #doc,
            },
            #value,
        );
    }
}

/// `T: JsonSchema` for the type each writable field's schema comes from (its value's, or for
/// a nested field its patch's), higher-ranked as in `std_impls.rs`: a field type without a
/// schema makes the impl not apply, so the derive itself still compiles (and an error about
/// the field, such as `allow` on a model, is not buried under schema errors), while asking
/// for the patch's schema fails, naming the bound that does not hold.
fn bounds(gen: &Gen) -> Vec<WherePredicate> {
    let krate = &gen.krate;
    gen.input
        .writable()
        .filter(|field| field.schema_with.is_none())
        .map(|field| {
            let ty = match (&field.shape, field.nested_ty()) {
                (_, Some(nested)) => gen.patch_of(nested),
                (Shape::Clearable { inner }, None) => quote!(#inner),
                _ => {
                    let ty = field.ty();
                    quote!(#ty)
                }
            };
            syn::parse_quote!(for<'__schema> #ty: #krate::__private::schema::schemars::JsonSchema)
        })
        .collect()
}
