//! Implementation detail of `safe-update`.
#![forbid(unsafe_code)]

mod ast;
mod attr;
mod bound;
mod case;
mod ctxt;
mod expand;
mod keyword;
mod meta;
mod serde_attr;
mod symbol;
mod valid;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Derives the patch type of a model. Documented in the `safe-update` crate.
#[proc_macro_derive(SafeUpdate, attributes(update, serde))]
pub fn derive_safe_update(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input).into()
}
