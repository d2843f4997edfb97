//! `Gen`: what every generator needs to know of the input, computed once (the crate path, the
//! names, the bounds), and the types and where clauses that several generators write.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Ident, Path, WherePredicate};

use super::names::Names;
use crate::ast::{Field, Input, Shape};
use crate::bound;

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
    pub fn new(input: &'a Input<'a>) -> Self {
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

    /// `for<'__x> T: IdentityType` for a model that names its identity `T`, spanned at `T`:
    /// on the inherent impls whose `apply_as` and `build_as` take a `&T`, so that their bodies
    /// ask nothing of `T`; `Gen::identity_check` reports a `T` without `Roles`, once.
    pub fn identity_bound(&self) -> Option<TokenStream> {
        let identity = self.input.attrs.identity.as_ref()?;
        let span = identity.span();
        let krate = respan(&self.krate, span);
        Some(quote_spanned!(span=> for<'__x> #identity: #krate::__private::IdentityType))
    }

    /// A constant, spanned at `T` in `identity = T`, that asks whether `T` implements `Roles`.
    pub fn identity_check(&self) -> Option<TokenStream> {
        let identity = self.input.attrs.identity.as_ref()?;
        let span = identity.span();
        let krate = respan(&self.krate, span);
        Some(quote_spanned!(span=> const _: () = #krate::__private::identity_type::<#identity>();))
    }

    /// The model's type, with its parameters: what a condition sees.
    pub fn model_ty(&self) -> TokenStream {
        let model = self.model;
        let (_, ty_generics, _) = self.input.original.generics.split_for_impl();
        quote!(#model #ty_generics)
    }

    /// The identity type the model's rules take: `identity = T`, else `AnyRoles`.
    pub fn identity(&self) -> TokenStream {
        let krate = &self.krate;
        match &self.input.attrs.identity {
            Some(identity) => quote!(#identity),
            None => quote!(#krate::AnyRoles),
        }
    }

    /// How a check passes its sender `__W` to the check of the nested model of type `ty`: as a
    /// sender of the nested model's identity, which the model's identity shares with it.
    pub fn shared_who(&self, field: &Field, ty: &syn::Type) -> TokenStream {
        let krate = &self.krate;
        let identity = self.identity();
        let share = if bound::is_generic(&self.input.original.generics, ty) {
            // The impls' bound says that the nested identity shares the model's.
            let patch = self.patch_of(ty);
            quote!(<<#patch as #krate::Patch>::Identity as #krate::__private::Shares<#identity>>::share)
        } else {
            let name = share_const(field);
            quote!(#name)
        };
        quote!(&#krate::__private::Shared::<#identity, __W, _>::new(__who, #share))
    }

    /// For each nested field of a concrete type, a constant outside every impl, spanned at the
    /// field, holding how the model's identity is shared with the nested model's: a mismatch,
    /// or a type that does not derive `SafeUpdate`, is reported there, once. The checks read
    /// the constant and ask nothing of the nested identity themselves. (A type that mentions a
    /// parameter is asked where the model is used, by the impls' bound.)
    pub fn shares_consts(&self) -> TokenStream {
        let krate = &self.krate;
        let identity = self.identity();
        let generics = &self.input.original.generics;
        let consts = self.input.writable().filter_map(|field| {
            let ty = field.nested_ty()?;
            if bound::is_generic(generics, ty) {
                return None;
            }
            let name = share_const(field);
            let nested = quote!(<<#ty as #krate::SafeUpdate>::Patch as #krate::Patch>::Identity);
            let item = quote! {
                const #name: for<'__x> fn(&'__x #identity) -> &'__x #nested =
                    #krate::__private::shares::<#identity, #nested>();
            };
            Some(respan_tokens(item, ty.span()))
        });
        quote!(#(#consts)*)
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
                if bound::is_generic(&self.input.original.generics, nested) {
                    // Said of the parameter, where the model is used: `Gen::shared_who` relies
                    // on it.
                    let identity = respan_tokens(self.identity(), span);
                    syn::parse_quote_spanned! {span=>
                        for<'__nested> #nested: #krate::SafeUpdate<
                            Patch: #krate::Patch<Identity: #krate::__private::Shares<#identity>>,
                        >
                    }
                } else {
                    // A concrete type's identity is asked by `Gen::shares_consts`: as a bound,
                    // a mismatch would be a false bound, which rustc reports in every impl.
                    syn::parse_quote_spanned!(span=> for<'__nested> #nested: #krate::SafeUpdate)
                }
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

    /// `<T as NestedCreate>::New` (its `SafeCreate::New`), spanned at the user's type.
    pub fn new_of(&self, ty: &syn::Type) -> TokenStream {
        let krate = respan(&self.krate, ty.span());
        quote_spanned!(ty.span()=> <#ty as #krate::NestedCreate>::New)
    }

    /// `<T as NestedCreate>::ServerFields` (its `SafeCreate::ServerFields`), spanned at the
    /// user's type.
    pub fn server_of(&self, ty: &syn::Type) -> TokenStream {
        let krate = respan(&self.krate, ty.span());
        quote_spanned!(ty.span()=> <#ty as #krate::NestedCreate>::ServerFields)
    }

    /// `Sub: NestedCreate` (`create`, no `create_only` field) for each nested field's sub-model, on every impl of the create input
    /// and its schema: higher-ranked, so that a sub-model without `create` makes the impls not
    /// apply instead of failing in each of them; it is reported once, at the field, whose type
    /// names the sub-model's input.
    pub fn create_bounds(&self) -> Vec<TokenStream> {
        self.input
            .writable()
            .filter_map(Field::nested_ty)
            .map(|ty| {
                let span = ty.span();
                let krate = respan(&self.krate, span);
                // The input's identity is the patch's (one attribute makes both): said, so
                // that `__permit` may pass the sender its patch's `__check` passes.
                let patch = self.patch_of(ty);
                quote_spanned! {span=>
                    for<'__nested> #ty: #krate::NestedCreate<
                        New: #krate::Create<Identity = <#patch as #krate::Patch>::Identity>,
                    >
                }
            })
            .collect()
    }
}

/// The name of the constant `Gen::shares_consts` emits for a nested field.
pub fn share_const(field: &Field) -> Ident {
    quote::format_ident!("__share_{}", syn::ext::IdentExt::unraw(field.ident))
}

/// The crate path with every token at `span`: rustc reports an unsatisfied bound at the trait
/// path, which must point at the user's field, not at the derive.
fn respan(krate: &Path, span: proc_macro2::Span) -> TokenStream {
    respan_tokens(quote::ToTokens::to_token_stream(krate), span)
}

/// `tokens` with every token, inside groups too, at `span`.
/// Where the user wrote `span` (an error about the call is reported there), resolved where the
/// derive is: the tokens made there (`self`, `__value`, the generated bindings) are the
/// derive's, while the user's path keeps its own span, which may carry the hygiene of a
/// caller's `macro_rules!`. For every call of a user's function: rules, validators, view
/// functions.
pub fn at_user(span: proc_macro2::Span) -> proc_macro2::Span {
    proc_macro2::Span::call_site().located_at(span)
}

pub fn respan_tokens(tokens: TokenStream, span: proc_macro2::Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            if let proc_macro2::TokenTree::Group(group) = &token {
                let inner = respan_tokens(group.stream(), span);
                token = proc_macro2::Group::new(group.delimiter(), inner).into();
            }
            token.set_span(span);
            token
        })
        .collect()
}
