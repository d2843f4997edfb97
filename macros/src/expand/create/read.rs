//! `__private::Input` and `Deserialize` of the create input: a document is read into the
//! model's patch (the same keys, readers and refusals), and `Input::finish` then takes each
//! required field out of it or records it as missing. (`Document` is a blanket impl over
//! `Input`.)

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Ident;

use crate::ast::CreateKind;
use crate::expand::gen::Gen;

/// `Input` and `Deserialize` of the input, under the create impls' `where_clause`.
pub fn impls(gen: &Gen, where_clause: &TokenStream) -> TokenStream {
    let krate = &gen.krate;
    let new = &gen.names.new;
    let serde = quote!(#krate::__private::serde);
    let finish = finish_fn(gen);
    let fields = fields_ty(gen);
    let patch = &gen.names.patch;
    let create_only_keys = gen.input.create_only().flat_map(|field| field.names());
    // Read as the patch alone, the input can be a nested field's: not with create-only fields.
    let model = gen.model;
    let server = &gen.names.server;
    let nested_input = gen.input.create_only().next().is_none().then(|| {
        quote! {
            // Not recommended: a model that lacks it must not be answered with a list of those
            // that have it.
            #[automatically_derived]
            #[diagnostic::do_not_recommend]
            impl #krate::NestedCreate for #model #where_clause {
                type New = #new;
                type ServerFields = #server;

                #[inline]
                fn __finish_nested(
                    __patch: #patch,
                    __collector: &mut #krate::__private::Collector,
                    __path: #krate::__private::Path<'_>,
                ) -> ::core::option::Option<#new> {
                    <#new as #krate::__private::Input>::finish(__patch, __collector, __path)
                }
            }
        }
    });
    quote! {
        #[automatically_derived]
        impl #krate::__private::Input for #new #where_clause {
            const CREATING: bool = true;
            type Fields = #fields;
            const KEYS: &'static [&'static [&'static str]] = &[
                <#patch as #krate::Patch>::__KEYS,
                &[#(#create_only_keys),*],
            ];
            #finish
        }

        #nested_input

        #[automatically_derived]
        impl<'__de> #serde::Deserialize<'__de> for #new #where_clause {
            #[inline]
            fn deserialize<__D: #serde::Deserializer<'__de>>(
                __deserializer: __D,
            ) -> ::core::result::Result<Self, __D::Error> {
                #krate::__private::deserialize::<Self, __D>(__deserializer)
            }
        }
    }
}

/// What the input is read into: the model's patch, beside the create-only fields' slots when
/// the model has any.
fn fields_ty(gen: &Gen) -> TokenStream {
    let krate = &gen.krate;
    let patch = &gen.names.patch;
    if gen.input.create_only().next().is_none() {
        return quote!(#patch);
    }
    let slots = super::slots::name(gen);
    quote!(#krate::__private::Pair<#patch, #slots>)
}

/// `Input::finish`: the patch's slots (and the create-only ones) made into the input's fields,
/// every missing required field recorded before any is refused.
fn finish_fn(gen: &Gen) -> TokenStream {
    let krate = &gen.krate;
    let patch = &gen.names.patch;
    let idents: Vec<&Ident> = gen.input.writable().map(|field| field.ident).collect();
    let create_only: Vec<&Ident> = gen.input.create_only().map(|field| field.ident).collect();
    let all: Vec<&Ident> = gen.input.creatable().map(|field| field.ident).collect();
    let fields = fields_ty(gen);
    let open = if create_only.is_empty() {
        quote!(let #patch { #(#idents,)* } = __fields;)
    } else {
        let slots = super::slots::name(gen);
        quote! {
            let #krate::__private::Pair(#patch { #(#idents,)* }, #slots { #(#create_only,)* }) = __fields;
        }
    };
    let takes = gen.input.creatable().map(|field| {
        let ident = field.ident;
        let wire = &field.wire;
        // One sent value `__v` made into what the input holds: a sub-model's patch into its
        // input (or `None`, its missing fields recorded), any other value as it is.
        let convert = match field.nested_ty() {
            Some(ty) => {
                // Through the model, not its input: a nested model that is not `create` at all
                // is then reported once (by the impls' bound), not again for its input.
                quote_spanned! {ty.span()=>
                    <#ty as #krate::NestedCreate>::__finish_nested(__v, __collector, __path.child(#wire))
                }
            }
            None => quote!(::core::option::Option::Some(__v)),
        };
        let value = match &field.create_kind {
            CreateKind::Required => quote! {
                match #krate::__private::required(#ident, __collector, __path, #wire) {
                    ::core::option::Option::Some(__v) => #convert,
                    ::core::option::Option::None => ::core::option::Option::None,
                }
            },
            CreateKind::Optional => quote! {
                match #ident {
                    ::core::option::Option::Some(::core::option::Option::Some(__v)) => {
                        ::core::option::Option::map(#convert, ::core::option::Option::Some)
                    }
                    _ => ::core::option::Option::Some(::core::option::Option::None),
                }
            },
            CreateKind::Defaulted(_) if !field.shape.clears() => quote! {
                match #ident {
                    ::core::option::Option::Some(__v) => {
                        ::core::option::Option::map(#convert, ::core::option::Option::Some)
                    }
                    ::core::option::Option::None => ::core::option::Option::Some(::core::option::Option::None),
                }
            },
            CreateKind::Defaulted(_) => quote! {
                match #ident {
                    ::core::option::Option::Some(::core::option::Option::Some(__v)) => {
                        ::core::option::Option::map(#convert, |__new| {
                            ::core::option::Option::Some(::core::option::Option::Some(__new))
                        })
                    }
                    ::core::option::Option::Some(::core::option::Option::None) => {
                        ::core::option::Option::Some(::core::option::Option::Some(::core::option::Option::None))
                    }
                    ::core::option::Option::None => ::core::option::Option::Some(::core::option::Option::None),
                }
            },
        };
        quote!(let #ident = #value;)
    });
    quote! {
        #[inline]
        fn finish(
            __fields: #fields,
            __collector: &mut #krate::__private::Collector,
            __path: #krate::__private::Path<'_>,
        ) -> ::core::option::Option<Self> {
            #open
            #(#takes)*
            ::core::option::Option::Some(Self {
                #(#all: #all?,)*
            })
        }
    }
}
