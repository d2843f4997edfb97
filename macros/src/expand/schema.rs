//! `schemars::JsonSchema` of the patch and of the create input (feature `schemars`), and with
//! feature `utoipa` the same schemas as `utoipa::ToSchema`: the document the patch's
//! `Deserialize` accepts, built from what the derive knows, never from forwarded attributes.
//! An object with the wire names (and aliases) as properties, no other property, `null` only
//! where the parser takes it, nested patches as their own schemas, role-gated fields marked.
//! The runtime side (`__private::schema`) assembles it.
//!
//! A field read through the model's own function (`deserialize_with`, `with`) without
//! `schema_with` has no known schema: its type's may not describe what the function accepts.
//! That is no error of the derive, since a model that compiles without this feature must
//! compile with it (features are additive): the schema impls then carry a bound that no type
//! meets, on a trait of that field whose message names it, and asking for the schema fails
//! there, where it is asked for.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Ident, WherePredicate};

use super::gen::{respan_tokens, Gen};
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
    let patch_ty = quote!(#patch #ty_generics);
    let patch_impls = impls(
        gen,
        &Impl {
            where_clause: gen.where_clause(&bounds(gen, Mode::Patch, &patch_ty)),
            ty: patch_ty,
            impl_generics: quote!(#impl_generics),
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
            .creatable()
            .map(|field| add_field(gen, field, Mode::Create))
            .collect();
        let mut bounds = bounds(gen, Mode::Create, &quote!(#new));
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
    let unknown = gen
        .input
        .creatable()
        .filter(|field| schema_unknown(field))
        .map(|field| unknown_schema_trait(gen, field));
    quote! {
        #(#unknown)*
        #patch_impls
        #create_impls
    }
}

/// Whether the field's schema is unknown: read through the model's own function, and given no
/// `schema_with`. (A `nested` field is never read through one: `valid.rs` refuses it.)
fn schema_unknown(field: &Field) -> bool {
    field.read_with.is_some() && field.schema_with.is_none()
}

/// The trait of a field whose schema is unknown; no type implements it.
fn unknown_schema_name(field: &Field) -> Ident {
    format_ident!("__SchemaUnknown_{}", syn::ext::IdentExt::unraw(field.ident))
}

/// The trait that a schema impl requires of a field whose schema is unknown: implemented by no
/// type, with the message rustc shows where the schema is asked for, and the function the
/// impl's body calls in place of the field's schema (never run). Its `Self` is the field's type
/// and its parameter the type whose schema is asked for: were `Self` that type, rustc would
/// report the unmet `JsonSchema` instead, without this message.
fn unknown_schema_trait(gen: &Gen, field: &Field) -> TokenStream {
    let krate = &gen.krate;
    let schemars = quote!(#krate::__private::schema::schemars);
    let name = unknown_schema_name(field);
    let message = format!(
        "`{{Asked}}` has no JSON Schema: field `{}` is read through its own function, so the \
         schema of its type `{{Self}}` may not describe what that function accepts",
        syn::ext::IdentExt::unraw(field.ident)
    );
    quote! {
        #[diagnostic::on_unimplemented(
            message = #message,
            label = "the JSON Schema of `{Asked}` is asked for here",
            note = "give the field its schema with `#[update(allow, schema_with = path)]` (a \
                    `fn(&mut schemars::SchemaGenerator) -> schemars::Schema`)",
        )]
        trait #name<Asked: ?::core::marker::Sized> {
            fn __schema(generator: &mut #schemars::SchemaGenerator) -> #schemars::Schema;
        }
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
        (None, _) if schema_unknown(field) => {
            let unknown = unknown_schema_name(field);
            let ty = field.ty();
            quote_spanned!(span=> <#ty as #unknown<Self>>::__schema(generator))
        }
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
            quote!(!<#nested as #krate::__private::Fields>::PROTECTED)
        }
    };
    let names = field.names();
    // Roles alone when every grant asks for roles only; else every grant, rules included.
    let (roles, grants) = if field.has_rules() {
        (Vec::new(), super::policy::grants(gen, field))
    } else {
        (field.role_only_roles(), Vec::new())
    };
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
                grants: {
                    const __GRANTS: &[#krate::__private::PolicyGrant] = &[#(#grants),*];
                    __GRANTS
                },
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
/// for the patch's schema fails, naming the bound that does not hold. For a field whose schema
/// is unknown, its type must implement that field's trait for the impl's own type `self_ty`,
/// which none does.
fn bounds(gen: &Gen, mode: Mode, self_ty: &TokenStream) -> Vec<WherePredicate> {
    let krate = &gen.krate;
    let fields: Vec<_> = match mode {
        Mode::Patch => gen.input.writable().collect(),
        Mode::Create => gen.input.creatable().collect(),
    };
    fields
        .into_iter()
        .filter(|field| field.schema_with.is_none())
        .map(|field| {
            if schema_unknown(field) {
                // Spanned at the function, which rustc shows as the unmet bound.
                let (ty, unknown) = (field.ty(), unknown_schema_name(field));
                let bound = quote!(for<'__schema> #ty: #unknown<#self_ty>);
                let bound = respan_tokens(bound, field.read_with.span());
                return syn::parse_quote!(#bound);
            }
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
