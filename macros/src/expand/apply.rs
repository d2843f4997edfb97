//! The `SafeUpdate` and `Patch` impls (how a patch is read, its `Fields`, is `fields.rs`'s),
//! `Ungated`, and the inherent `apply`/`apply_as`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::gen::{at_user as at, Gen};
use super::grant;
use crate::ast::{Clear, Field, Shape};

pub fn expand(gen: &Gen) -> TokenStream {
    let krate = &gen.krate;
    let (model, patch) = (gen.model, &gen.names.patch);
    let generics = &gen.input.original.generics;
    let (impl_generics, ty_generics, _) = generics.split_for_impl();
    let where_clause = gen.where_clause(&gen.bounds);
    let writable = gen.input.writable().map(|field| &field.wire);
    // A create-only field is refused in a patch as a server-only one is.
    let server_only = gen
        .input
        .server_only()
        .filter(|field| !field.flatten)
        .chain(gen.input.create_only())
        .map(|field| &field.wire);
    let gated = gen
        .input
        .writable()
        .filter(|field| field.is_gated())
        .map(|field| {
            let wire = &field.wire;
            let roles = field.role_only_roles();
            quote!((#wire, &[#(#roles),*]))
        });
    let rust_names = gen
        .input
        .writable()
        .map(|field| syn::ext::IdentExt::unraw(field.ident).to_string());
    let keys = gen.input.writable().flat_map(Field::names);
    let is_empty = gen.input.writable().map(is_empty);
    let check_fn = check_fn(gen);
    let write_fn = write_fn(gen);
    let ungated = ungated(gen);
    let hidden = not_recommended(gen);
    let policy_fn = super::policy::policy_fn(gen);
    let identity = gen.identity();
    let shares = gen.shares_consts();
    let identity_check = gen.identity_check();
    let paths = super::paths::paths_const(gen);
    quote! {
        #identity_check
        #shares

        #[automatically_derived]
        #hidden
        impl #impl_generics #krate::SafeUpdate for #model #ty_generics #where_clause {
            type Patch = #patch #ty_generics;

            #policy_fn
        }

        #[automatically_derived]
        impl #impl_generics #krate::Patch for #patch #ty_generics #where_clause {
            type Target = #model #ty_generics;
            type Identity = #identity;
            const WRITABLE: &'static [&'static str] = &[#(#writable),*];
            const SERVER_ONLY: &'static [&'static str] = &[#(#server_only),*];
            const GATED: &'static [(&'static str, &'static [&'static str])] = &[#(#gated),*];
            const __FIELDS: &'static [&'static str] = &[#(#rust_names),*];
            const __KEYS: &'static [&'static str] = &[#(#keys),*];
            #paths

            #[inline]
            fn is_empty(&self) -> bool {
                true #(&& #is_empty)*
            }

            #check_fn
            #write_fn
        }

        #ungated

    }
}

/// `#[diagnostic::do_not_recommend]` for the impl of a model without parameters: otherwise
/// rustc answers "`Address` does not implement `SafeUpdate`" with "the trait `SafeUpdate` is
/// implemented for `User`", a list of unrelated models. A generic model's impl stays visible:
/// when its bounds fail, rustc must name the parameter's missing trait ("required for
/// `Holder<Foo>` to implement `SafeUpdate`") rather than say `Holder<Foo>` lacks the derive.
fn not_recommended(gen: &Gen) -> Option<TokenStream> {
    let generics = &gen.input.original.generics;
    (generics.params.is_empty() && generics.where_clause.is_none())
        .then(|| quote!(#[diagnostic::do_not_recommend]))
}

/// The inherent `apply` (a model that names no identity), `apply_as` and `is_empty` of the
/// patch type.
pub fn inherent(gen: &Gen) -> TokenStream {
    let krate = &gen.krate;
    let (model, patch) = (gen.model, &gen.names.patch);
    let generics = &gen.input.original.generics;
    let (impl_generics, ty_generics, _) = generics.split_for_impl();
    let mut bounds = gen.bounds.clone();
    bounds.extend(
        gen.identity_bound()
            .map(|bound| -> syn::WherePredicate { syn::parse_quote!(#bound) }),
    );
    let where_clause = gen.where_clause(&bounds);
    let apply_doc = format!(
        "Writes this patch into `target`. Available when no field of the patch, nested ones \
         included, is gated by a role, a condition or a value rule; otherwise use \
         [`apply_as`]({patch}::apply_as).\n\n\
         # Errors\n\nA validator refused a value; `target` is unchanged."
    );
    // A model that names its identity has no identity-free `apply`: its patches are always
    // applied on behalf of someone. Its patch has a hidden `apply` all the same, bounded like
    // the others and never available (no such patch is `Ungated`), so that calling it says
    // why and what to call instead rather than "no method named `apply`".
    let (hidden, body) = match gen.input.attrs.identity {
        None => (
            None,
            quote!(#krate::Patch::apply_as(self, target, &#krate::NoRoles)),
        ),
        Some(_) => (
            Some(quote!(#[doc(hidden)])),
            // Unreachable unless someone implements `Ungated` by hand: refused, never applied.
            quote! {
                let _ = (self, target);
                let mut __errors = #krate::ApplyError::default();
                __errors.__invalid(
                    ::std::string::String::new(),
                    ::core::convert::From::from("this patch needs an identity: call `apply_as`"),
                );
                ::core::result::Result::Err(__errors)
            },
        ),
    };
    let apply = {
        quote! {
            #[doc = #apply_doc]
            #hidden
            #[inline]
            pub fn apply(self, target: &mut #model #ty_generics) -> ::core::result::Result<#krate::Applied, #krate::ApplyError>
            where
                for<'__x> Self: #krate::Ungated,
            {
                #body
            }
        }
    };
    let apply_as = match &gen.input.attrs.identity {
        None => quote! {
            /// Writes this patch into `target` on behalf of `who`, whose roles decide the
            /// role-gated fields. Every check runs before the first write.
            ///
            /// # Errors
            ///
            /// A gated field `who` may not write, or a value a validator refused; `target` is
            /// unchanged and the error lists every problem.
            #[inline]
            pub fn apply_as<__R: #krate::Roles + ?::core::marker::Sized>(
                self,
                target: &mut #model #ty_generics,
                who: &__R,
            ) -> ::core::result::Result<#krate::Applied, #krate::ApplyError> {
                #krate::Patch::apply_as(self, target, who)
            }
        },
        Some(identity) => quote! {
            /// Writes this patch into `target` on behalf of `who`: the grants of the gated
            /// fields (roles, conditions on the stored model, value rules on the stored and the
            /// new value) decide what `who` may write. Every check runs before the first write.
            ///
            /// # Errors
            ///
            /// A gated field no grant lets `who` write, or a value a validator refused;
            /// `target` is unchanged and the error lists every problem.
            #[inline]
            pub fn apply_as(
                self,
                target: &mut #model #ty_generics,
                who: &#identity,
            ) -> ::core::result::Result<#krate::Applied, #krate::ApplyError> {
                #krate::Patch::apply_as(self, target, who)
            }
        },
    };
    quote! {
        #[automatically_derived]
        impl #impl_generics #patch #ty_generics #where_clause {
            #apply
            #apply_as

            /// Whether the patch writes nothing.
            #[must_use]
            #[inline]
            pub fn is_empty(&self) -> bool {
                #krate::Patch::is_empty(self)
            }
        }
    }
}

fn is_empty(field: &Field) -> TokenStream {
    let ident = field.ident;
    // Code that names a nested patch carries the field's span, so that a nested type that
    // does not derive `SafeUpdate` is reported at the field, once.
    let span = field.ty().span();
    match field.shape {
        Shape::Plain | Shape::Clearable { .. } => quote!(self.#ident.is_none()),
        Shape::Nested => quote_spanned! {span=>
            match &self.#ident {
                ::core::option::Option::None => true,
                ::core::option::Option::Some(__patch) => __patch.is_empty(),
            }
        },
        Shape::NestedClearable { .. } => quote_spanned! {span=>
            match &self.#ident {
                ::core::option::Option::None => true,
                ::core::option::Option::Some(::core::option::Option::None) => false,
                ::core::option::Option::Some(::core::option::Option::Some(__patch)) => __patch.is_empty(),
            }
        },
    }
}

/// `Ungated` when no field needs a grant to be written or a role to be cleared, and the model
/// names no identity; nested patches must be `Ungated` too. The bounds are higher-ranked so
/// that a nested gated patch makes the impl not apply rather than fail.
fn ungated(gen: &Gen) -> Option<TokenStream> {
    if gen.input.is_gated() || gen.input.attrs.identity.is_some() {
        return None;
    }
    let krate = &gen.krate;
    let patch = &gen.names.patch;
    let (impl_generics, ty_generics, _) = gen.input.original.generics.split_for_impl();
    let nested = gen.input.writable().filter_map(Field::nested_ty).map(|ty| {
        let patch = gen.patch_of(ty);
        quote!(for<'__x> #patch: #krate::Ungated)
    });
    let mut bounds = gen.bounds.clone();
    bounds.extend(nested.map(|bound| -> syn::WherePredicate { syn::parse_quote!(#bound) }));
    let where_clause = gen.where_clause(&bounds);
    Some(quote! {
        // Not recommended: when a nested patch is gated, the error must say that this patch
        // cannot be applied without an identity, not explain this impl's bounds.
        #[automatically_derived]
        #[diagnostic::do_not_recommend]
        impl #impl_generics #krate::Ungated for #patch #ty_generics #where_clause {}
    })
}

fn check_fn(gen: &Gen) -> TokenStream {
    let krate = &gen.krate;
    let fields = gen.input.writable().map(|field| check_field(gen, field));
    // The would-be result: a copy of the target with this patch written into it. This copy
    // is the whole cost of a container validator, paid only by models that declare one. The
    // clones are spanned at the user's validator, where a model without `Clone` is reported.
    let whole = gen.input.attrs.validate.as_ref().map(|check| {
        let span = at(check.span());
        let candidate = quote_spanned!(span=> ::core::clone::Clone::clone(__target));
        let patch = quote_spanned!(span=> ::core::clone::Clone::clone(self));
        let call = quote_spanned!(span=> #check(&__candidate));
        quote! {
            let mut __candidate: Self::Target = #candidate;
            #krate::Patch::__write(
                #patch,
                &mut __candidate,
                ::core::option::Option::None,
                &mut #krate::Applied::__new(<Self as #krate::Patch>::__FIELDS),
            );
            if let ::core::result::Result::Err(__reason) = #call {
                __errors.__invalid(__path.join(), ::std::string::ToString::to_string(&__reason));
            }
        }
    });
    quote! {
        #[inline]
        fn __check<__W: #krate::Sender<Self::Identity> + ?::core::marker::Sized>(
            &self,
            __target: &Self::Target,
            __who: &__W,
            __path: #krate::__private::Path<'_>,
            __errors: &mut #krate::ApplyError,
        ) {
            #(#fields)*
            #whole
        }
    }
}

/// `who` holds one of `roles`.
fn holds_any(gen: &Gen, roles: &[syn::LitStr]) -> TokenStream {
    let krate = &gen.krate;
    let identity = gen.identity();
    quote!((false #(|| #krate::Sender::<#identity>::holds(__who, #roles))*))
}

fn check_field(gen: &Gen, field: &Field) -> TokenStream {
    let krate = &gen.krate;
    let ident = field.ident;
    let wire = &field.wire;
    // The user's function called directly, spanned at its name: a function of the wrong type
    // is reported there, against the user's own definition.
    let validate = field.validate.as_ref().map(|check| {
        let call = quote_spanned!(at(check.span())=> #check(__value));
        quote! {
            if let ::core::option::Option::Some(__value) = &self.#ident {
                if let ::core::result::Result::Err(__reason) = #call {
                    __errors.__invalid(
                        __path.join_key(#wire),
                        ::std::string::ToString::to_string(&__reason),
                    );
                }
            }
        }
    });
    let span = field.ty().span();
    let who = field.nested_ty().map(|ty| gen.shared_who(field, ty));
    let shape = match field.shape {
        Shape::Plain | Shape::Clearable { .. } => None,
        Shape::Nested => Some(quote_spanned! {span=>
            if let ::core::option::Option::Some(__patch) = &self.#ident {
                #krate::Patch::__check(__patch, &__target.#ident, #who, __path.child(#wire), __errors);
            }
        }),
        Shape::NestedClearable { inner, ref clear } => {
            // Who may send `null`; the reader refuses a guarded `null` too, this refuses the
            // same `Some(None)` in a patch built in code.
            let clear = match clear {
                Clear::Anyone => None,
                Clear::Guarded => {
                    let patch = gen.patch_of(inner);
                    Some(quote! {
                        ::core::option::Option::Some(::core::option::Option::None)
                            if <#patch as #krate::__private::Fields>::PROTECTED =>
                        {
                            __errors.__invalid(
                                __path.join_key(#wire),
                                #krate::__private::would_erase::<#patch>(__path.child(#wire)),
                            );
                        }
                    })
                }
                Clear::Roles(roles) => {
                    let holds = holds_any(gen, roles);
                    Some(quote! {
                        ::core::option::Option::Some(::core::option::Option::None) if !#holds => {
                            __errors.__deny(__path.join_key(#wire), &[#(#roles),*]);
                        }
                    })
                }
            };
            Some(quote_spanned! {span=>
                match &self.#ident {
                    #clear
                    ::core::option::Option::Some(::core::option::Option::Some(__patch)) => match &__target.#ident {
                        ::core::option::Option::Some(__current) => {
                            #krate::Patch::__check(__patch, __current, #who, __path.child(#wire), __errors);
                        }
                        ::core::option::Option::None if !#krate::Patch::is_empty(__patch) => {
                            __errors.__invalid(
                                __path.join_key(#wire),
                                ::core::convert::From::from(
                                    "cannot merge an object into a field that is null; an admin or \
                                     the server sets it first",
                                ),
                            );
                        }
                        ::core::option::Option::None => {}
                    },
                    _ => {}
                }
            })
        }
    };
    let checks = quote!(#validate #shape);
    if !field.is_gated() {
        return checks;
    }
    // The value a value rule judges: the field's own, `&Option<T>` for an `Option` field.
    let uses_value = field.grants.iter().any(|grant| !grant.change.is_empty());
    let bind = if uses_value { quote!(__new) } else { quote!(_) };
    let admits = grant::admits(
        gen,
        field,
        &grant::Write {
            model: quote!(__target),
            old: quote!(::core::option::Option::Some(&__target.#ident)),
            new: quote!(__new),
        },
    );
    quote! {
        let __permitted = match &self.#ident {
            ::core::option::Option::Some(#bind) => #admits,
            ::core::option::Option::None => true,
        };
        if __permitted {
            #checks
        }
    }
}

fn write_fn(gen: &Gen) -> TokenStream {
    let krate = &gen.krate;
    let writes = gen.input.writable().enumerate().map(|(index, field)| {
        let ident = field.ident;
        let name = syn::ext::IdentExt::unraw(ident).to_string();
        let span = field.ty().span();
        match field.shape {
            Shape::Plain | Shape::Clearable { .. } => quote! {
                if let ::core::option::Option::Some(__value) = self.#ident {
                    let __changed = #krate::__private::replace(&mut __target.#ident, __value);
                    __applied.__leaf(__parent, #index, #name, __changed);
                }
            },
            Shape::Nested => quote_spanned! {span=>
                if let ::core::option::Option::Some(__patch) = self.#ident {
                    let __branch = __applied.__branch(__parent, #index, #name);
                    #krate::Patch::__write(__patch, &mut __target.#ident, ::core::option::Option::Some(__branch), __applied);
                }
            },
            Shape::NestedClearable { .. } => quote_spanned! {span=>
                match self.#ident {
                    ::core::option::Option::Some(::core::option::Option::None) => {
                        let __changed = __target.#ident.take().is_some();
                        __applied.__leaf(__parent, #index, #name, __changed);
                    }
                    ::core::option::Option::Some(::core::option::Option::Some(__patch)) => {
                        // `__check` refused a non-empty patch for an absent value.
                        if let ::core::option::Option::Some(__current) = &mut __target.#ident {
                            let __branch = __applied.__branch(__parent, #index, #name);
                            #krate::Patch::__write(__patch, __current, ::core::option::Option::Some(__branch), __applied);
                        }
                    }
                    ::core::option::Option::None => {}
                }
            },
        }
    });
    quote! {
        #[inline]
        fn __write(
            self,
            __target: &mut Self::Target,
            __parent: ::core::option::Option<usize>,
            __applied: &mut #krate::Applied,
        ) {
            #(#writes)*
        }
    }
}
