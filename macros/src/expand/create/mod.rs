//! `#[update(create)]`: the create input (`{Model}New`), the struct of server-only fields
//! (`{Model}ServerFields`), and their impls: `SafeCreate` of the model, `Input`,
//! `Deserialize`, `Serialize`, `Create`, `Ungated`, `Debug`, `Clone` and `PartialEq` of the
//! input, and the inherent `build`/`build_as`. What a create input holds for each field is its
//! `CreateKind` (`ast.rs`).
//!
//! One file per part of what is emitted:
//! - `types.rs`: the two structs (outside the `const _` block, so that users can name them);
//! - `read.rs`: `Input` (what `Document` is) and `Deserialize`, reading a document through the
//!   model's patch;
//! - `build.rs`: `Create` (roles, validators, the model built), `Ungated`, and the inherent
//!   `build`/`build_as` (outside the block, so that an error names `UserNew::build`);
//! - `std_impls.rs`: `Clone`, `PartialEq`, `Serialize`, `Debug`.

mod build;
mod read;
mod slots;
mod std_impls;
mod types;

use proc_macro2::TokenStream;
use quote::quote;

use super::gen::Gen;
use super::names::Names;

/// The two structs (outside the `const _` block).
pub fn types(gen: &Gen) -> TokenStream {
    if gen.input.attrs.create.is_none() {
        return TokenStream::new();
    }
    types::expand(gen)
}

/// The impls (inside the `const _` block).
pub fn impls(gen: &Gen) -> TokenStream {
    if gen.input.attrs.create.is_none() {
        return TokenStream::new();
    }
    let krate = &gen.krate;
    let Names { new, server, .. } = &gen.names;
    let model = gen.model;
    let bounds = gen.create_bounds();
    let where_clause = quote!(where #(#bounds,)*);
    let read = read::impls(gen, &where_clause);
    let create = build::create_impl(gen, &where_clause);
    let std_impls = std_impls::expand(gen);
    let ungated = build::ungated(gen);
    let slots = slots::expand(gen);
    // Not recommended, like the model's `SafeUpdate` impl (a create model has no parameters):
    // "`Address` cannot be created" must not go on to list the models that can.
    quote! {
        #[automatically_derived]
        #[diagnostic::do_not_recommend]
        impl #krate::SafeCreate for #model #where_clause {
            type New = #new;
            type ServerFields = #server;
        }

        #slots
        #read
        #create
        #std_impls
        #ungated
    }
}

/// The inherent `build` and `build_as` (outside the `const _` block).
pub fn inherent(gen: &Gen) -> TokenStream {
    if gen.input.attrs.create.is_none() {
        return TokenStream::new();
    }
    build::inherent(gen)
}
