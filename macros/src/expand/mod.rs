//! The generated code. `derive` never fails: errors become `compile_error!`, next to a stub
//! patch type so the user sees our errors and not a cascade of "cannot find type".
//!
//! One generator per file, each called once from `try_expand`:
//! - `patch_type.rs`: the patch struct (outside the `const _` block, so users can name it);
//! - `apply.rs`: `SafeUpdate`, `Patch` (its `__key`/`__field` come from `de.rs`), `Ungated`,
//!   and the inherent `apply`/`apply_as` (outside the block too, so that an error names
//!   `UserPatch::apply`, not an anonymous scope);
//! - `de.rs`: `Deserialize` and `Serialize` of the patch, and the types naming the model's
//!   `deserialize_with` functions;
//! - `std_impls.rs`: `Default`, `Clone`, `PartialEq`, `Debug`;
//! - `probe.rs`: the compile-time refusal of `allow` on a field holding a model (in a block
//!   of its own, where rustc's label names the field);
//! - `schema.rs`: `schemars::JsonSchema` of the patch (feature `schemars`);
//! - `create.rs`: with `#[update(create)]`, the create input and the struct of server-only
//!   fields (outside the block) and their impls.

mod apply;
mod create;
mod de;
mod fallback;
mod names;
mod patch_type;
mod probe;
mod schema;
mod std_impls;

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Ident, Path, WherePredicate};

use self::names::Names;
use crate::ast::{Field, Input, Shape};
use crate::bound;
use crate::ctxt::Ctxt;
use crate::valid;

pub fn derive(input: &DeriveInput) -> TokenStream {
    match try_expand(input) {
        Ok(expanded) => expanded,
        Err(error) => {
            let errors = error.to_compile_error();
            let stub = fallback::stub(input);
            quote! { #errors #stub }
        }
    }
}

fn try_expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let mut cx = Ctxt::default();
    let parsed = Input::from_syn(&mut cx, input);
    if let Some(parsed) = &parsed {
        valid::check(&mut cx, parsed);
    }
    cx.check()?;
    let Some(parsed) = parsed else {
        return Err(syn::Error::new_spanned(input, "unsupported input"));
    };
    let gen = Gen::new(&parsed);
    let patch_type = patch_type::expand(&gen);
    let inherent = apply::inherent(&gen);
    let apply = apply::expand(&gen);
    let serde = de::expand(&gen);
    let std_impls = std_impls::expand(&gen);
    let probes = probe::expand(&gen);
    let schema = schema::expand(&gen);
    let create_types = create::types(&gen);
    let create_impls = create::impls(&gen);
    let create_inherent = create::inherent(&gen);
    Ok(quote! {
        #patch_type
        #create_types
        #inherent
        #create_inherent
        #probes
        #[doc(hidden)]
        #[allow(non_upper_case_globals, non_camel_case_types, unused_qualifications)]
        const _: () = {
            #apply
            #serde
            #std_impls
            #schema
            #create_impls
        };
    })
}

/// What every part of the expansion needs to know.
pub struct Gen<'a> {
    pub input: &'a Input<'a>,
    /// Path of the runtime crate.
    pub krate: Path,
    /// The model's name.
    pub model: &'a Ident,
    /// The generated types' names.
    pub names: Names,
    /// Bounds the `Patch` impl needs beyond the model's own where clause.
    pub bounds: Vec<WherePredicate>,
    /// `Nested: SafeUpdate` for each nested field, on every impl: stated as bounds spanned at
    /// the fields, an unsatisfied one is reported there once (rustc merges the identical
    /// errors of every impl) instead of in each generated body.
    pub nested_bounds: Vec<WherePredicate>,
    /// Whether the patch needs a marker field for generic parameters no writable field uses.
    pub needs_marker: bool,
}

impl<'a> Gen<'a> {
    fn new(input: &'a Input<'a>) -> Self {
        let original = input.original;
        let krate = input
            .attrs
            .krate
            .clone()
            .unwrap_or_else(|| syn::parse_quote!(::safe_update));
        let used = bound::mentions(&original.generics, input.writable().map(Field::ty));
        let mut gen = Gen {
            input,
            krate,
            model: &original.ident,
            names: Names::new(&original.ident, input.attrs.name.clone()),
            bounds: Vec::new(),
            nested_bounds: Vec::new(),
            needs_marker: !bound::all_used(&original.generics, &used),
        };
        gen.nested_bounds = gen.nested_bounds();
        gen.bounds = gen.infer_bounds();
        gen
    }

    fn nested_bounds(&self) -> Vec<WherePredicate> {
        let krate = &self.krate;
        // Higher-ranked, so that a concrete type is not a "trivial bound" (an error that points
        // at an unstable feature): a type that does not derive `SafeUpdate` then makes no impl
        // fail, and is reported once, at the field, where the patch names its patch type.
        self.input
            .writable()
            .filter_map(Field::nested_ty)
            .map(|nested| {
                let span = nested.span();
                let krate = respan(krate, span);
                syn::parse_quote_spanned!(span=> for<'__nested> #nested: #krate::SafeUpdate)
            })
            .collect()
    }

    fn infer_bounds(&self) -> Vec<WherePredicate> {
        if let Some(bound) = &self.input.attrs.bound {
            return bound.clone();
        }
        let krate = &self.krate;
        let generics = &self.input.original.generics;
        let mut bounds: Vec<WherePredicate> = Vec::new();
        for field in self.input.writable() {
            let ty = field.ty();
            if field.nested_ty().is_some() || !bound::is_generic(generics, ty) {
                continue;
            }
            bounds.push(if field.read_with.is_some() {
                // Read by the model's own function, not by the type's `Deserialize`.
                syn::parse_quote!(#ty: ::core::cmp::PartialEq)
            } else {
                syn::parse_quote!(
                    #ty: #krate::__private::serde::de::DeserializeOwned + ::core::cmp::PartialEq
                )
            });
        }
        if self.input.attrs.validate.is_some() && !generics.params.is_empty() {
            let (_, ty_generics, _) = generics.split_for_impl();
            let (model, patch) = (self.model, &self.names.patch);
            bounds.push(syn::parse_quote!(#model #ty_generics: ::core::clone::Clone));
            bounds.push(syn::parse_quote!(#patch #ty_generics: ::core::clone::Clone));
        }
        bounds
    }

    /// The patch struct's where clause: the model's, and `Nested: SafeUpdate` for a nested
    /// type that mentions a parameter (its patch type is named in a field). A concrete nested
    /// type needs no bound here: the field itself reports one that does not derive
    /// `SafeUpdate`, once.
    pub fn struct_where_clause(&self) -> TokenStream {
        let krate = &self.krate;
        let generics = &self.input.original.generics;
        let own = generics
            .where_clause
            .iter()
            .flat_map(|clause| clause.predicates.iter().cloned());
        let nested = self
            .input
            .writable()
            .filter_map(Field::nested_ty)
            .filter(|nested| bound::is_generic(generics, nested))
            .map(|nested| -> WherePredicate {
                let span = nested.span();
                let krate = respan(krate, span);
                syn::parse_quote_spanned!(span=> #nested: #krate::SafeUpdate)
            });
        let all: Vec<WherePredicate> = own.chain(nested).collect();
        if all.is_empty() {
            TokenStream::new()
        } else {
            quote!(where #(#all,)*)
        }
    }

    /// The model's where clause, the nested bounds, and `extra`.
    pub fn where_clause(&self, extra: &[WherePredicate]) -> TokenStream {
        let own = self
            .input
            .original
            .generics
            .where_clause
            .iter()
            .flat_map(|clause| clause.predicates.iter());
        let all: Vec<&WherePredicate> = own.chain(&self.nested_bounds).chain(extra).collect();
        if all.is_empty() {
            TokenStream::new()
        } else {
            quote!(where #(#all,)*)
        }
    }

    /// The patch's field for `field`: `Option` of [`Gen::patch_value_ty`].
    pub fn patch_field_ty(&self, field: &Field) -> TokenStream {
        let value = self.patch_value_ty(field);
        let span = field.ty().span();
        quote_spanned!(span=> ::core::option::Option<#value>)
    }

    /// What a present field holds: the value (`None` clears an `Option`), or the nested patch.
    pub fn patch_value_ty(&self, field: &Field) -> TokenStream {
        let ty = field.ty();
        match &field.shape {
            Shape::Plain | Shape::Clearable { .. } => quote!(#ty),
            Shape::Nested => self.patch_of(ty),
            Shape::NestedClearable { inner, .. } => {
                let patch = self.patch_of(inner);
                quote_spanned!(ty.span()=> ::core::option::Option<#patch>)
            }
        }
    }

    /// `<T as SafeUpdate>::Patch`, spanned at the user's type so that a type that does not
    /// derive `SafeUpdate` is reported at the field.
    pub fn patch_of(&self, ty: &syn::Type) -> TokenStream {
        let span = ty.span();
        let krate = respan(&self.krate, span);
        quote_spanned!(span=> <#ty as #krate::SafeUpdate>::Patch)
    }
}

/// The crate path with every token at `span`: rustc reports an unsatisfied bound at the trait
/// path, which must point at the user's field, not at the derive.
fn respan(krate: &Path, span: proc_macro2::Span) -> TokenStream {
    quote::ToTokens::to_token_stream(krate)
        .into_iter()
        .map(|mut token| {
            token.set_span(span);
            token
        })
        .collect()
}
