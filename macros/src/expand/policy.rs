//! `SafeUpdate::policy`: the model's write policy as data (`safe_update::policy`), built from
//! the same parsed fields the checks are generated from, so the table a reviewer reads cannot
//! say other than what the code enforces.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::gen::Gen;
use crate::ast::{Clear, Field, Read, Shape};
use crate::attr::Policy;

/// `fn policy() -> ModelPolicy`, spliced into the `SafeUpdate` impl.
pub fn policy_fn(gen: &Gen) -> TokenStream {
    let krate = &gen.krate;
    let model = gen.model.to_string();
    let fields = gen
        .input
        .fields
        .iter()
        .map(|field| field_policy(gen, field));
    // `#[inline]`, as every generated method: not code-generated in the model's crate unless
    // called (BENCHMARKS.md, "Compile time").
    quote! {
        #[inline]
        fn policy() -> #krate::__private::ModelPolicy {
            #krate::__private::model_policy(#model, [#(#fields),*])
        }
    }
}

/// One field's `FieldPolicy`.
fn field_policy(gen: &Gen, field: &Field) -> TokenStream {
    let krate = &gen.krate;
    // Through `__private`, under names of its own: rustc answers a wrong `crate = "..."`
    // path ending in `Write` with a second error that suggests importing `io::Write`.
    let rule = quote!(#krate::__private::PolicyWrite);
    let name = syn::ext::IdentExt::unraw(field.ident).to_string();
    let names = field.names();
    let write = match field.policy {
        Policy::ServerOnly => quote!(#rule::ServerOnly),
        Policy::Writable if !field.is_gated() => quote!(#rule::Anyone),
        Policy::Writable => {
            let grants = grants(gen, field);
            // A constant: a `'static` slice of values that a call (`Grant::__new`) builds.
            quote!(#rule::Grants {
                grants: {
                    const __GRANTS: &[#krate::__private::PolicyGrant] = &[#(#grants),*];
                    __GRANTS
                },
            })
        }
    };
    let null = null(gen, field);
    let create_only = field.create_only;
    let read = read(gen, field);
    // Spanned at the field, as every other use of a nested type: a type that does not derive
    // `SafeUpdate` is reported there.
    let nested = match field.nested_ty() {
        Some(ty) => quote_spanned! {ty.span()=>
            ::core::option::Option::Some(<#ty as #krate::SafeUpdate>::policy())
        },
        None => quote!(::core::option::Option::None),
    };
    quote! {
        #krate::__private::field_policy(#name, &[#(#names),*], #write, #create_only, #read, #null, #nested)
    }
}

/// Who may see the field in a view; `None` for a model without views.
fn read(gen: &Gen, field: &Field) -> TokenStream {
    let krate = &gen.krate;
    if gen.input.attrs.view.is_none() {
        return quote!(::core::option::Option::None);
    }
    let read = quote!(#krate::__private::PolicyRead);
    let rule = match &field.read {
        Read::Anyone => quote!(#read::Anyone),
        Read::Secret => quote!(#read::Secret),
        Read::Grants(grants) => {
            let grants = grants.iter().map(|grant| grant_const(gen, grant));
            quote!(#read::Grants {
                grants: {
                    const __GRANTS: &[#krate::__private::PolicyGrant] = &[#(#grants),*];
                    __GRANTS
                },
            })
        }
    };
    quote!(::core::option::Option::Some(#rule))
}

/// Each grant of `field` as a `policy::Grant` constant, rules by the names written: for the
/// policy and for the schema's `x-safe-update-grants`.
pub fn grants(gen: &Gen, field: &Field) -> Vec<TokenStream> {
    field
        .grants
        .iter()
        .map(|grant| grant_const(gen, grant))
        .collect()
}

/// One grant as a `policy::Grant` constant, rules by the names written.
fn grant_const(gen: &Gen, grant: &crate::attr::Grant) -> TokenStream {
    let krate = &gen.krate;
    let roles = &grant.roles;
    let when = grant.when.iter().map(super::grant::rule_name);
    let change = grant.change.iter().map(super::grant::rule_name);
    quote! {
        #krate::__private::PolicyGrant::__new(&[#(#roles),*], &[#(#when),*], &[#(#change),*])
    }
}

/// What `null` does to the field, as the reader of its shape decides (`read/field.rs`).
fn null(gen: &Gen, field: &Field) -> TokenStream {
    let krate = &gen.krate;
    let null = quote!(#krate::__private::PolicyNull);
    if field.policy == Policy::ServerOnly {
        return quote!(#null::Refused);
    }
    match &field.shape {
        Shape::Plain | Shape::Nested => quote!(#null::Refused),
        Shape::Clearable { .. } => quote!(#null::Clears),
        Shape::NestedClearable { clear, inner } => match clear {
            Clear::Anyone => quote!(#null::Clears),
            Clear::Roles(roles) => quote!(#null::ClearsWithRoles { roles: &[#(#roles),*] }),
            // `Guarded` refuses `null` exactly when the sub-model protects a field.
            Clear::Guarded => quote_spanned! {inner.span()=>
                if <<#inner as #krate::SafeUpdate>::Patch as #krate::__private::Fields>::PROTECTED {
                    #null::Guarded
                } else {
                    #null::Clears
                }
            },
        },
    }
}
