//! What every parser of an attribute's `(...)` shares (`attr.rs`, `serde_attr.rs`,
//! `keyword.rs`, the fallback's): a key as written, and stepping over a refused key's value.

use proc_macro2::TokenStream;
use syn::meta::ParseNestedMeta;
use syn::{Path, Token};

/// Consumes `= value` or `(...)` after a key that is reported as an error, so that parsing
/// goes on and every other error of the attribute is reported too.
pub fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let _content;
        syn::parenthesized!(_content in meta.input);
        _content.parse::<TokenStream>()?;
    }
    Ok(())
}

/// A key as the user wrote it, for messages (`schema_with`, `serde::skip`).
pub fn path_str(path: &Path) -> String {
    quote::ToTokens::to_token_stream(path)
        .to_string()
        .replace(' ', "")
}
