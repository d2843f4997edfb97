//! The generated code. `derive` never fails: errors become `compile_error!`, next to a stub
//! patch type so the user sees our errors and not a cascade of "cannot find type".
//!
//! One generator per file, each called once from `try_expand`:
//! - `patch_type.rs`: the patch struct (outside the `const _` block, so users can name it);
//! - `apply.rs`: `SafeUpdate`, `Patch`, `Ungated`, and the inherent `apply`/`apply_as`
//!   (outside the block too, so that an error names `UserPatch::apply`, not an anonymous
//!   scope);
//! - `paths.rs`: `Patch::__PATHS`, where each field sits in a JSON Patch document (spliced
//!   into `apply.rs`'s `Patch` impl);
//! - `policy.rs`: `SafeUpdate::policy`, the field rules as data (spliced into `apply.rs`'s
//!   `SafeUpdate` impl);
//! - `fields.rs`: `__private::Fields` of the patch, how a document is read into it (its keys,
//!   one reader per field, what clearing the model would erase);
//! - `de.rs`: `Deserialize` and `Serialize` of the patch, and the types naming the model's
//!   `deserialize_with` functions;
//! - `std_impls.rs`: `Default`, `Clone`, `PartialEq`, `Debug`;
//! - `probe.rs`: the compile-time refusal of `allow` on a field holding a model (in a block
//!   of its own, where rustc's label names the field);
//! - `schema.rs`: `schemars::JsonSchema` of the patch and of the create input (feature
//!   `schemars`);
//! - `create/`: with `#[update(create)]`, the create input and the struct of server-only
//!   fields (outside the block) and their impls, one file per part.
//!
//! What they share: `gen.rs` (`Gen`, what each needs to know of the input, and the types and
//! where clauses several of them write), `names.rs` (the generated types' names, for `Gen` and
//! for `fallback.rs`, the stubs emitted next to errors).

mod apply;
mod create;
mod de;
mod fallback;
mod fields;
mod gen;
mod grant;
mod names;
mod patch_type;
mod paths;
mod policy;
mod probe;
mod schema;
mod std_impls;
mod view;
mod view_schema;

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use self::gen::Gen;
use crate::ast::Input;
use crate::ctxt::Ctxt;

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
    cx.check()?;
    let Some(parsed) = parsed else {
        return Err(syn::Error::new_spanned(input, "unsupported input"));
    };
    let gen = Gen::new(&parsed);
    let patch_type = patch_type::expand(&gen);
    let inherent = apply::inherent(&gen);
    let fields = fields::expand(&gen);
    let apply = apply::expand(&gen);
    let serde = de::expand(&gen);
    let std_impls = std_impls::expand(&gen);
    let probes = probe::expand(&gen);
    let schema = schema::expand(&gen);
    let create_types = create::types(&gen);
    let create_impls = create::impls(&gen);
    let create_inherent = create::inherent(&gen);
    let view = view::expand(&gen);
    let view_schema = view_schema::expand(&gen);
    Ok(quote! {
        #patch_type
        #create_types
        #inherent
        #create_inherent
        #probes
        #[doc(hidden)]
        #[allow(non_upper_case_globals, non_camel_case_types, unused_qualifications)]
        const _: () = {
            // `Fields` before `Patch`: rustc reports a field's errors in this order (a type that
            // cannot be read, then one that cannot be written), as when `Patch` held both.
            #fields
            #apply
            #serde
            #std_impls
            #schema
            #create_impls
            #view
            #view_schema
        };
    })
}
