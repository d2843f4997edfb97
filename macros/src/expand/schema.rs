//! `schemars::JsonSchema` of the patch and of the create input (feature `schemars`), and with
//! feature `utoipa` the same schemas as `utoipa::ToSchema`: the document the patch's
//! `Deserialize` accepts, built from what the derive knows, never from forwarded attributes.
//! An object with the wire names (and aliases) as properties, no other property, `null` only
//! where the parser takes it, nested patches as their own schemas, role-gated fields marked.
//! The runtime side (`__private::schema`) assembles it.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::WherePredicate;

use super::gen::Gen;
use crate::ast::{Clear, Field, Shape};

pub fn expand(gen: &Gen) -> TokenStream {
    if !cfg!(feature = "schemars") {
        return TokenStream::new();
    }
    let patch = &gen.names.patch;
    let generics = &gen.input.original.generics;
    let (impl_generics, ty_generics, _) = generics.split_for_impl();
    let description = format!(
        "Patch of `{}`: every member optional, no other member allowed (JSON Merge Patch, \
         RFC 7396).",
        gen.model
    );
    let fields: Vec<TokenStream> = gen
        .input
        .writable()
        .map(|field| add_field(gen, field, Mode::Patch))
        .collect();
    let patch_impls = impls(
        gen,
        &Impl {
            ty: quote!(#patch #ty_generics),
            impl_generics: quote!(#impl_generics),
            where_clause: gen.where_clause(&bounds(gen, Mode::Patch)),
            name: patch.to_string(),
            description,
            fields,
        },
    );
    let create_impls = gen.input.attrs.create.as_ref().map(|_| {
        let new = &gen.names.new;
        let description = format!(
            "Create input of `{}`: the members marked required must be sent, no other member \
             is allowed.",
            gen.model
        );
        let fields: Vec<TokenStream> = gen
            .input
            .writable()
            .map(|field| add_field(gen, field, Mode::Create))
            .collect();
        let mut bounds = bounds(gen, Mode::Create);
        bounds.extend(
            gen.create_bounds()
                .into_iter()
                .map(|bound| -> WherePredicate { syn::parse_quote!(#bound) }),
        );
        impls(
            gen,
            &Impl {
                ty: quote!(#new),
                impl_generics: TokenStream::new(),
                where_clause: quote!(where #(#bounds,)*),
                name: new.to_string(),
                description,
                fields,
            },
        )
    });
    quote! {
        #patch_impls
        #create_impls
    }
}

/// Which document a schema describes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The patch: every member optional, `null` where the patch may clear.
    Patch,
    /// The create input: required members, `null` for every optional one.
    Create,
}

/// What one `JsonSchema` (and `ToSchema`) impl needs.
struct Impl {
    ty: TokenStream,
    impl_generics: TokenStream,
    where_clause: TokenStream,
    name: String,
    description: String,
    fields: Vec<TokenStream>,
}

fn impls(gen: &Gen, spec: &Impl) -> TokenStream {
    let krate = &gen.krate;
    let schema = quote!(#krate::__private::schema);
    let Impl {
        ty,
        impl_generics,
        where_clause,
        name,
        description,
        fields,
    } = spec;
    let utoipa = cfg!(feature = "utoipa").then(|| {
        quote! {
            impl #impl_generics #schema::utoipa::PartialSchema for #ty #where_clause {
                fn schema() -> #schema::utoipa::openapi::RefOr<#schema::utoipa::openapi::Schema> {
                    #schema::openapi_schema::<Self>()
                }
            }

            impl #impl_generics #schema::utoipa::ToSchema for #ty #where_clause {
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

        impl #impl_generics #schema::schemars::JsonSchema for #ty #where_clause {
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
fn add_field(gen: &Gen, field: &Field, mode: Mode) -> TokenStream {
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
            let nested = nested_schema_ty(gen, field, mode);
            quote_spanned!(span=> generator.subschema_for::<#nested>())
        }
    };
    let nullable = match &field.shape {
        // Nothing exists yet that clearing could erase.
        Shape::NestedClearable { .. } if mode == Mode::Create => quote!(true),
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
    let clear_roles = match mode {
        Mode::Patch => field.clear_roles().unwrap_or_default().iter(),
        Mode::Create => [].iter(),
    };
    let required = mode == Mode::Create && field.create_kind.is_required();
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
                required: #required,
                roles: &[#(#roles),*],
                clear_roles: &[#(#clear_roles),*],
                keywords: &[#(#keywords),*],
                doc: #doc,
            },
            #value,
        );
    }
}

/// The type whose schema a nested field has: the sub-model's patch, or its create input.
fn nested_schema_ty(gen: &Gen, field: &Field, mode: Mode) -> TokenStream {
    let nested = field.nested_ty().unwrap_or(field.ty());
    match mode {
        Mode::Patch => gen.patch_of(nested),
        Mode::Create => gen.new_of(nested),
    }
}

/// `T: JsonSchema` for the type each writable field's schema comes from (its value's, or for
/// a nested field its patch's), higher-ranked as in `std_impls.rs`: a field type without a
/// schema makes the impl not apply, so the derive itself still compiles (and an error about
/// the field, such as `allow` on a model, is not buried under schema errors), while asking
/// for the patch's schema fails, naming the bound that does not hold.
fn bounds(gen: &Gen, mode: Mode) -> Vec<WherePredicate> {
    let krate = &gen.krate;
    gen.input
        .writable()
        .filter(|field| field.schema_with.is_none())
        .map(|field| {
            let ty = match (&field.shape, field.nested_ty()) {
                (_, Some(_)) => nested_schema_ty(gen, field, mode),
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
