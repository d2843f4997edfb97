//! Implementation detail of `safe-update`.
#![forbid(unsafe_code)]

use proc_macro::TokenStream;

/// See the `safe-update` crate.
#[proc_macro_derive(SafeUpdate, attributes(update, serde))]
pub fn derive_safe_update(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}
