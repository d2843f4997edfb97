//! The create-only fields' slots: what a create input's document writes to the fields a patch
//! refuses (`#[update(allow, create_only)]`). The create input is read into the patch and these
//! slots side by side (`__private::Pair`): the patch's `Fields` calls each create-only key
//! forbidden, the slots' call it theirs, so one object is read once with every refusal of a
//! patch, and a patch type never holds a create-only value.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use syn::Ident;

use crate::expand::fields::field_fn;
use crate::expand::gen::Gen;

/// The slots' type: `__{Model}CreateOnly`, inside the `const _` block (no user names it).
pub fn name(gen: &Gen) -> Ident {
    format_ident!("__{}CreateOnly", gen.model)
}

/// The slots' struct and its `Fields`; nothing for a model without create-only fields.
pub fn expand(gen: &Gen) -> TokenStream {
    if gen.input.create_only().next().is_none() {
        return TokenStream::new();
    }
    let krate = &gen.krate;
    let slots = name(gen);
    let fields: Vec<_> = gen.input.create_only().collect();
    let members = fields.iter().map(|field| {
        let ident = field.ident;
        let ty = gen.patch_field_ty(field);
        quote!(#ident: #ty,)
    });
    let model_name = gen.model.to_string();
    let count = Literal::u16_unsuffixed(fields.len() as u16);
    let keys = fields.iter().enumerate().map(|(index, field)| {
        let index = index as u16;
        let names = field.names();
        quote!(#(#names)|* => #krate::__private::Key::Field(#index),)
    });
    let wires = fields.iter().map(|field| &field.wire);
    let field_fn = field_fn(gen, fields.iter().copied());
    quote! {
        #[derive(Default)]
        pub struct #slots {
            #(#members)*
        }

        #[automatically_derived]
        impl #krate::__private::Fields for #slots {
            const MODEL: &'static str = #model_name;
            const COUNT: u16 = #count;
            // Read beside the patch, never as a nested model: clearing cannot reach them.
            const PROTECTED: bool = false;

            #[inline]
            fn protected(
                _: #krate::__private::Path<'_>,
                _: &mut ::std::vec::Vec<::std::string::String>,
            ) {
            }

            #[inline]
            fn key(__key: &str) -> #krate::__private::Key {
                match __key {
                    #(#keys)*
                    _ => #krate::__private::Key::Unknown,
                }
            }

            fn wire(__index: u16) -> &'static str {
                [#(#wires),*][usize::from(__index)]
            }

            #field_fn
        }
    }
}
