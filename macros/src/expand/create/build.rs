//! `Create` of the create input (its roles and validators checked, then the model built with
//! the server's fields and the creation defaults), `Ungated`, and the inherent
//! `build`/`build_as`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Ident;

use super::types::server_members;
use crate::ast::{CreateKind, Field, Shape};
use crate::attr::{CreateDefault, Policy};
use crate::expand::gen::{at_user as at, Gen};
use crate::expand::grant;
use crate::expand::names::Names;

/// `Create` of the input, under the create impls' `where_clause`.
pub fn create_impl(gen: &Gen, where_clause: &TokenStream) -> TokenStream {
    let krate = &gen.krate;
    let Names { new, server, .. } = &gen.names;
    let model = gen.model;
    let required = gen
        .input
        .writable()
        .filter(|field| field.create_kind.is_required())
        .map(|field| &field.wire);
    let identity = gen.identity();
    let check = check_fn(gen);
    let permit = permit_fn(gen);
    let build = build_fn(gen);
    let validate = validate_fn(gen);
    quote! {
        #[automatically_derived]
        impl #krate::Create for #new #where_clause {
            type Target = #model;
            type ServerFields = #server;
            type Identity = #identity;
            const REQUIRED: &'static [&'static str] = &[#(#required),*];
            #check
            #permit
            #build
            #validate
        }
    }
}

/// `Create::__check`: field validators, which gated fields the input sets and which nested
/// inputs it holds (`Sent`, in declaration order, for `__permit`), and the nested inputs' checks.
fn check_fn(gen: &Gen) -> TokenStream {
    let krate = &gen.krate;
    let checks = gen.input.creatable().map(|field| {
        let ident = field.ident;
        let wire = &field.wire;
        let span = field.ty().span();
        // The value as the model will hold it, for the validator: a defaulted field's only when
        // the client sent it (the default is the server's own).
        let validate = field.validate.as_ref().map(|check| {
            let call = quote_spanned!(at(check.span())=> #check(__value));
            let report = quote! {
                if let ::core::result::Result::Err(__reason) = #call {
                    __errors.__invalid(
                        __path.join_key(#wire),
                        ::std::string::ToString::to_string(&__reason),
                    );
                }
            };
            match &field.create_kind {
                CreateKind::Required | CreateKind::Optional => quote! {{ let __value = &self.#ident; #report }},
                CreateKind::Defaulted(_) => quote! {
                    if let ::core::option::Option::Some(__value) = &self.#ident { #report }
                },
            }
        });
        // Whether the document set a gated field: a required one always; an optional or
        // defaulted one when present (absent, it is `None` or the server's default).
        let sent = field.is_gated().then(|| {
            let present = match &field.create_kind {
                CreateKind::Required => quote!(true),
                CreateKind::Optional | CreateKind::Defaulted(_) => {
                    quote!(::core::option::Option::is_some(&self.#ident))
                }
            };
            quote!(__sent.push(#present);)
        });
        let nested = field.nested_ty().map(|ty| {
            let new = gen.new_of(ty);
            let check = quote_spanned! {span=>
                <#new as #krate::Create>::__check(__new, __sent, __path.child(#wire), __errors)
            };
            // The nested input's presence goes first, so that `__permit` knows whether the
            // nested flags follow.
            match &field.create_kind {
                CreateKind::Required => quote!({ __sent.push(true); let __new = &self.#ident; #check; }),
                CreateKind::Optional => quote! {
                    if let ::core::option::Option::Some(__new) = &self.#ident { __sent.push(true); #check; } else { __sent.push(false); }
                },
                CreateKind::Defaulted(_) if !field.shape.clears() => quote! {
                    if let ::core::option::Option::Some(__new) = &self.#ident { __sent.push(true); #check; } else { __sent.push(false); }
                },
                CreateKind::Defaulted(_) => quote! {
                    if let ::core::option::Option::Some(::core::option::Option::Some(__new)) = &self.#ident {
                        __sent.push(true);
                        #check;
                    } else {
                        __sent.push(false);
                    }
                },
            }
        });
        quote!(#sent #validate #nested)
    });
    quote! {
        #[inline]
        fn __check(
            &self,
            __sent: &mut #krate::__private::Sent,
            __path: #krate::__private::Path<'_>,
            __errors: &mut #krate::ApplyError,
        ) {
            #(#checks)*
        }
    }
}

/// `Create::__permit`: the grants of each gated field the input set, asked of the would-be
/// model with no old value, and the nested inputs' grants, in `__check`'s order.
fn permit_fn(gen: &Gen) -> TokenStream {
    let krate = &gen.krate;
    let model = gen.model;
    let permits = gen.input.creatable().map(|field| {
        let ident = field.ident;
        let wire = &field.wire;
        let gate = field.is_gated().then(|| {
            let admits = grant::admits(
                gen,
                field,
                &grant::Write {
                    model: quote!(__target),
                    old: quote!(::core::option::Option::None),
                    new: quote!(&__target.#ident),
                },
            );
            quote! {
                if __sent.was_sent() {
                    let _ = #admits;
                }
            }
        });
        let nested = field.nested_ty().map(|ty| {
            let new = gen.new_of(ty);
            let span = ty.span();
            let who = gen.shared_who(field, ty);
            let permit = quote_spanned! {span=>
                <#new as #krate::Create>::__permit(__sub, #who, __sent, __path.child(#wire), __errors)
            };
            let sub = match field.shape {
                Shape::Nested => quote!(::core::option::Option::Some(&__target.#ident)),
                _ => quote!(__target.#ident.as_ref()),
            };
            quote! {
                if __sent.was_sent() {
                    if let ::core::option::Option::Some(__sub) = #sub { #permit; }
                }
            }
        });
        quote!(#gate #nested)
    });
    quote! {
        #[inline]
        fn __permit<__W: #krate::Sender<Self::Identity> + ?::core::marker::Sized>(
            __target: &#model,
            __who: &__W,
            __sent: &mut #krate::__private::Sent,
            __path: #krate::__private::Path<'_>,
            __errors: &mut #krate::ApplyError,
        ) {
            #(#permits)*
        }
    }
}

/// The creation default of a defaulted field, spanned at the user's expression.
fn default_expr(field: &Field, default: &CreateDefault) -> TokenStream {
    match &default.expr {
        // Typed where the user wrote it: a wrong type is reported at the expression, against
        // the field's type.
        Some(expr) => {
            let ty = field.ty();
            quote_spanned!(expr.span()=> { let __default: #ty = #expr; __default })
        }
        None => {
            let ty = field.ty();
            quote_spanned!(default.keyword.span()=> <#ty as ::core::default::Default>::default())
        }
    }
}

/// `Create::__build`: the model, from the input's values (defaults where absent) and the
/// server's fields.
fn build_fn(gen: &Gen) -> TokenStream {
    let krate = &gen.krate;
    let Names { new, server, .. } = &gen.names;
    let model = gen.model;
    let input_idents: Vec<&Ident> = gen.input.creatable().map(|field| field.ident).collect();
    let members = gen.input.fields.iter().map(|field| {
        let ident = field.ident;
        let span = field.ty().span();
        if field.policy == Policy::ServerOnly {
            return quote!(#ident: #ident,);
        }
        // One value `__v` of the input made into the model's: a sub-model's input built with
        // the server's fields of that sub-model, any other value as it is.
        let convert = match field.nested_ty() {
            Some(ty) => {
                let new = gen.new_of(ty);
                let server = server_binding(ident);
                quote_spanned!(span=> <#new as #krate::Create>::__build(__v, #server))
            }
            None => quote!(__v),
        };
        let value = match &field.create_kind {
            CreateKind::Required => quote!(match #ident { __v => #convert }),
            CreateKind::Optional => quote!(match #ident {
                ::core::option::Option::Some(__v) => ::core::option::Option::Some(#convert),
                ::core::option::Option::None => ::core::option::Option::None,
            }),
            CreateKind::Defaulted(default) if !field.shape.clears() => {
                let default = default_expr(field, default);
                quote!(match #ident {
                    ::core::option::Option::Some(__v) => #convert,
                    ::core::option::Option::None => #default,
                })
            }
            CreateKind::Defaulted(default) => {
                let default = default_expr(field, default);
                quote!(match #ident {
                    ::core::option::Option::Some(::core::option::Option::Some(__v)) => {
                        ::core::option::Option::Some(#convert)
                    }
                    ::core::option::Option::Some(::core::option::Option::None) => ::core::option::Option::None,
                    ::core::option::Option::None => #default,
                })
            }
        };
        quote!(#ident: #value,)
    });
    // The nested sub-models' server fields are bound under other names: the input's field of
    // the same name holds the sub-model's input.
    let server_bindings = server_members(gen).map(|(field, _, _)| {
        let ident = field.ident;
        if field.nested_ty().is_some() {
            let renamed = server_binding(ident);
            quote!(#ident: #renamed)
        } else {
            quote!(#ident)
        }
    });
    quote! {
        #[inline]
        fn __build(self, __server: #server) -> #model {
            let #new { #(#input_idents,)* } = self;
            let #server { #(#server_bindings,)* } = __server;
            #model {
                #(#members)*
            }
        }
    }
}

/// The name `__build` binds a nested field's server fields to: the input's field of the same
/// name holds the sub-model's input.
fn server_binding(ident: &Ident) -> Ident {
    format_ident!("__server_{}", syn::ext::IdentExt::unraw(ident))
}

/// `Create::__validate`: the container validators of the sub-models, then the model's.
fn validate_fn(gen: &Gen) -> TokenStream {
    let krate = &gen.krate;
    let model = gen.model;
    let nested = gen.input.creatable().filter_map(|field| {
        let ty = field.nested_ty()?;
        let ident = field.ident;
        let wire = &field.wire;
        let new = gen.new_of(ty);
        let validate = quote_spanned! {ty.span()=>
            <#new as #krate::Create>::__validate(__sub, __path.child(#wire), __errors)
        };
        Some(match field.shape {
            Shape::Nested => quote!({ let __sub = &__target.#ident; #validate; }),
            _ => quote! {
                if let ::core::option::Option::Some(__sub) = &__target.#ident { #validate; }
            },
        })
    });
    let whole = gen.input.attrs.validate.as_ref().map(|check| {
        let call = quote_spanned!(at(check.span())=> #check(__target));
        quote! {
            if let ::core::result::Result::Err(__reason) = #call {
                __errors.__invalid(__path.join(), ::std::string::ToString::to_string(&__reason));
            }
        }
    });
    quote! {
        #[inline]
        fn __validate(
            __target: &#model,
            __path: #krate::__private::Path<'_>,
            __errors: &mut #krate::ApplyError,
        ) {
            #(#nested)*
            #whole
        }
    }
}

/// The inherent `build` and `build_as` of the input (outside the `const _` block, so that an
/// error names `UserNew::build`, not an anonymous scope).
pub fn inherent(gen: &Gen) -> TokenStream {
    let krate = &gen.krate;
    let Names { new, server, .. } = &gen.names;
    let model = gen.model;
    let nested = gen.create_bounds();
    let identity_bound = gen.identity_bound();
    let build_doc = format!(
        "Makes the [`{model}`]. Available when no field of the input, nested ones included, is \
         gated by a role, a condition or a value rule; otherwise use \
         [`build_as`]({new}::build_as).\n\n# Errors\n\nA validator refused a value; no model \
         is made."
    );
    // Hidden and never available for a model that names its identity (as the patch's `apply`):
    // calling it says why and what to call instead.
    let (hidden, body) = match gen.input.attrs.identity {
        None => (
            None,
            quote!(#krate::Create::build_as(self, server, &#krate::NoRoles)),
        ),
        Some(_) => (
            Some(quote!(#[doc(hidden)])),
            // Unreachable unless someone implements `Ungated` by hand: refused, never built.
            quote! {
                let _ = (self, server);
                let mut __errors = #krate::ApplyError::default();
                __errors.__invalid(
                    ::std::string::String::new(),
                    ::core::convert::From::from("this input needs an identity: call `build_as`"),
                );
                ::core::result::Result::Err(__errors)
            },
        ),
    };
    let build = quote! {
        #[doc = #build_doc]
        #hidden
        #[inline]
        pub fn build(self, server: #server) -> ::core::result::Result<#model, #krate::ApplyError>
        where
            for<'__x> Self: #krate::Ungated,
        {
            #body
        }
    };
    let build_as = match &gen.input.attrs.identity {
        None => quote! {
            /// Makes the model on behalf of `who`, whose roles decide the role-gated fields the
            /// input sets; roles, field validators and container validators are all checked
            /// before the model is returned.
            ///
            /// # Errors
            ///
            /// Every gated field `who` may not set and every value a validator refused.
            #[inline]
            pub fn build_as<__R: #krate::Roles + ?::core::marker::Sized>(
                self,
                server: #server,
                who: &__R,
            ) -> ::core::result::Result<#model, #krate::ApplyError> {
                #krate::Create::build_as(self, server, who)
            }
        },
        Some(identity) => quote! {
            /// Makes the model on behalf of `who`: the grants of the gated fields the input
            /// sets (roles, conditions on the would-be model, value rules with no old value),
            /// field validators and container validators are all checked before the model is
            /// returned.
            ///
            /// # Errors
            ///
            /// Every gated field no grant lets `who` set and every value a validator refused.
            #[inline]
            pub fn build_as(
                self,
                server: #server,
                who: &#identity,
            ) -> ::core::result::Result<#model, #krate::ApplyError> {
                #krate::Create::build_as(self, server, who)
            }
        },
    };
    quote! {
        #[automatically_derived]
        impl #new where #(#nested,)* #identity_bound {
            #build
            #build_as
        }
    }
}

/// `Ungated` when no field of the input is gated and the model names no identity, nested
/// inputs included.
pub fn ungated(gen: &Gen) -> Option<TokenStream> {
    if gen.input.creatable().any(Field::is_gated) || gen.input.attrs.identity.is_some() {
        return None;
    }
    let krate = &gen.krate;
    let new = &gen.names.new;
    let nested = gen
        .input
        .creatable()
        .filter_map(Field::nested_ty)
        .map(|ty| {
            let new = gen.new_of(ty);
            quote!(for<'__x> #new: #krate::Ungated)
        });
    let bounds = gen.create_bounds();
    Some(quote! {
        #[automatically_derived]
        #[diagnostic::do_not_recommend]
        impl #krate::Ungated for #new where #(#bounds,)* #(#nested,)* {}
    })
}
