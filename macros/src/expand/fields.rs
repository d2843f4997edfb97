//! The patch's `__private::Fields`: how a document is read into it. Its key classification,
//! the reader of each writable field, and what clearing the model would erase, which the
//! readers of nested fields ask (and `apply.rs`'s `__check`).

use proc_macro2::{Literal, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::de;
use super::gen::Gen;
use crate::ast::{Clear, Field, Shape};
use crate::attr::Policy;

/// `impl Fields for {Model}Patch`.
pub fn expand(gen: &Gen) -> TokenStream {
    let krate = &gen.krate;
    let patch = &gen.names.patch;
    let (impl_generics, ty_generics, _) = gen.input.original.generics.split_for_impl();
    let where_clause = gen.where_clause(&gen.bounds);
    let model_name = gen.model.to_string();
    let count = Literal::usize_unsuffixed(gen.input.writable().count());
    let protected = protected(gen);
    let key_fn = key_fn(gen);
    let field_fn = field_fn(gen, gen.input.writable());
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::__private::Fields for #patch #ty_generics #where_clause {
            const MODEL: &'static str = #model_name;
            const COUNT: u16 = #count;

            #protected
            #key_fn

            fn wire(__index: u16) -> &'static str {
                <Self as #krate::Patch>::WRITABLE[usize::from(__index)]
            }

            #field_fn
        }
    }
}

/// `PROTECTED` and `protected`: what clearing this model as a whole would erase, its
/// server-only fields, the fields and `clear`s that need a role, and the same of every
/// sub-model, in declaration order.
fn protected(gen: &Gen) -> TokenStream {
    let krate = &gen.krate;
    let fields = quote!(#krate::__private::Fields);
    let mut own = false;
    let mut nested_flags = Vec::new();
    let mut listing = Vec::new();
    for field in &gen.input.fields {
        let wire = &field.wire;
        let needs_role = field.is_gated() || field.clear_roles().is_some();
        if field.policy == Policy::ServerOnly || field.create_only || needs_role {
            own = true;
            listing.push(quote!(__out.push(__path.join_key(#wire));));
        }
        if let Some(nested) = field.nested_ty() {
            let patch = gen.patch_of(nested);
            nested_flags.push(quote!(<#patch as #fields>::PROTECTED));
            listing.push(quote!(<#patch as #fields>::protected(__path.child(#wire), __out);));
        }
    }
    quote! {
        const PROTECTED: bool = #own #(|| #nested_flags)*;

        #[inline]
        fn protected(
            __path: #krate::__private::Path<'_>,
            __out: &mut ::std::vec::Vec<::std::string::String>,
        ) {
            #(#listing)*
        }
    }
}

/// `key`: each spelling of a writable field gives its index; each spelling of a server-only
/// field is forbidden, and so is every key of a flattened server-only field's type when that
/// type derives `SafeUpdate`; anything else is unknown.
fn key_fn(gen: &Gen) -> TokenStream {
    let krate = &gen.krate;
    let fields = gen.input.writable().enumerate().map(|(index, field)| {
        let index = index as u16;
        let names = field.names();
        quote!(#(#names)|* => #krate::__private::Key::Field(#index),)
    });
    let forbidden = gen
        .input
        .server_only()
        .filter(|field| field.names().next().is_some())
        .map(|field| {
            let names = field.names();
            quote!(#(#names)|* => #krate::__private::Key::Forbidden,)
        });
    // A create-only field is forbidden in a patch, by every spelling, its Rust name included,
    // as a server-only field is (the create input reads it through its own `Fields`).
    let create_only = gen.input.create_only().map(|field| {
        let rust_name = syn::ext::IdentExt::unraw(field.ident).to_string();
        let mut names: Vec<String> = field.names().map(str::to_owned).collect();
        if !names.contains(&rust_name) {
            names.push(rust_name);
        }
        quote!(#(#names)|* => #krate::__private::Key::Forbidden,)
    });
    let flattened: Vec<&syn::Type> = gen
        .input
        .server_only()
        .filter(|field| field.flatten)
        .map(Field::ty)
        .collect();
    let other = if flattened.is_empty() {
        quote!(#krate::__private::Key::Unknown)
    } else {
        quote! {{
            use #krate::__private::ProbeFallback as _;
            if false #(|| #krate::__private::Probe::<#flattened>::NEW.flattened_key(__key))* {
                #krate::__private::Key::Forbidden
            } else {
                #krate::__private::Key::Unknown
            }
        }}
    };
    quote! {
        #[inline]
        fn key(__key: &str) -> #krate::__private::Key {
            match __key {
                #(#fields)*
                #(#forbidden)*
                #(#create_only)*
                _ => #other,
            }
        }
    }
}

/// `field`: reads the value of one writable field with the reader of its shape. `fields` are
/// the struct's members in index order: the patch's writable fields, or the create-only slots'
/// fields (`create/slots.rs`).
pub(super) fn field_fn<'f>(gen: &Gen, fields: impl Iterator<Item = &'f Field<'f>>) -> TokenStream {
    let krate = &gen.krate;
    let serde = quote!(#krate::__private::serde);
    let arms = fields.enumerate().map(|(index, field)| {
        let index = index as u16;
        let ident = field.ident;
        let wire = &field.wire;
        let (value, null) = reader(gen, field);
        let span = field.ty().span();
        quote_spanned! {span=>
            #index => #krate::__private::field::<#value, #null, __S, __A, _>(&mut self.#ident, __map, __reading, __path, #wire),
        }
    });
    quote! {
        #[inline]
        fn field<'__de, __S: #krate::__private::Source, __A: #serde::de::MapAccess<'__de>>(
            &mut self,
            __index: u16,
            __map: &mut __A,
            __reading: &mut #krate::__private::Reading,
            __path: #krate::__private::Path<'_>,
        ) -> ::core::result::Result<(), __A::Error> {
            match __index {
                #(#arms)*
                _ => #serde::de::MapAccess::next_value::<#serde::de::IgnoredAny>(__map).map(|_| ()),
            }
        }
    }
}

/// The runtime reader of the field's shape (see `Shape` in `ast.rs`): how its value is read,
/// and what `null` means for it.
fn reader(gen: &Gen, field: &Field) -> (TokenStream, TokenStream) {
    let krate = &gen.krate;
    let private = quote!(#krate::__private);
    let ty = field.ty();
    let with = field.read_with.as_ref().map(|_| {
        let name = de::with_type_name(field);
        let (_, ty_generics, _) = gen.input.original.generics.split_for_impl();
        quote!(#name #ty_generics)
    });
    let (refused, clears) = (quote!(#private::Refused), quote!(#private::Clears));
    match (&field.shape, with) {
        (Shape::Plain, None) => (quote!(#private::Serde<#ty>), refused),
        (Shape::Plain, Some(with)) => (quote!(#private::With<#with>), refused),
        (Shape::Clearable { inner }, None) => (quote!(#private::Serde<#inner>), clears),
        (Shape::Clearable { .. }, Some(with)) => (quote!(#private::With<#with>), clears),
        (Shape::Nested, _) => {
            let patch = gen.patch_of(ty);
            (quote!(#private::Nested<#patch>), refused)
        }
        (Shape::NestedClearable { inner, clear }, _) => {
            let patch = gen.patch_of(inner);
            let null = match clear {
                Clear::Guarded => quote!(#private::Guarded),
                Clear::Anyone | Clear::Roles(_) => clears,
            };
            (quote!(#private::Nested<#patch>), null)
        }
    }
}
