//! `#[update(schema(...))]`: JSON Schema keywords that a field's validator implies, so that
//! the generated schema refuses what the validator refuses, as far as JSON Schema can say.
//! Only keywords whose meaning is exact and whose value can be checked here are accepted.

use proc_macro2::TokenStream;
use quote::quote;
use syn::meta::ParseNestedMeta;
use syn::{Lit, LitStr};

use crate::ctxt::Ctxt;
use crate::meta::{path_str, skip_value};

/// One keyword: its JSON name and its value.
pub struct Keyword {
    /// The JSON Schema name, such as `minLength`.
    pub name: &'static str,
    pub value: Value,
    /// The keyword as written, for errors.
    pub key: syn::Path,
}

pub enum Value {
    /// A count (`minLength`, `maxItems`, ...): a `u64` literal.
    Count(u64),
    /// A bound on a number (`minimum`, ...): an integer or float literal, negated or not.
    Number { negative: bool, lit: Lit },
    /// `pattern` (checked as a regular expression by the validator, not here) or `format`.
    Text(LitStr),
    /// The same, from a `&str` constant (a pattern shared with code that uses it).
    TextConst(syn::ExprPath),
}

/// Every keyword `schema(...)` takes: the attribute's name, the JSON name, the value's kind.
const KEYWORDS: &[(&str, &str, Kind)] = &[
    ("min_length", "minLength", Kind::Count),
    ("max_length", "maxLength", Kind::Count),
    ("pattern", "pattern", Kind::Text),
    ("format", "format", Kind::Text),
    ("minimum", "minimum", Kind::Number),
    ("maximum", "maximum", Kind::Number),
    ("exclusive_minimum", "exclusiveMinimum", Kind::Number),
    ("exclusive_maximum", "exclusiveMaximum", Kind::Number),
    ("min_items", "minItems", Kind::Count),
    ("max_items", "maxItems", Kind::Count),
];

#[derive(Clone, Copy)]
enum Kind {
    Count,
    Number,
    Text,
}

const EXPECTED: &str = "expected `min_length`, `max_length`, `pattern`, `format`, `minimum`, \
     `maximum`, `exclusive_minimum`, `exclusive_maximum`, `min_items` or `max_items`";

/// Parses the `(...)` of `schema(...)`, appending to `out`; errors go to `cx`.
pub fn parse(cx: &mut Ctxt, meta: &ParseNestedMeta, out: &mut Vec<Keyword>) -> syn::Result<()> {
    meta.parse_nested_meta(|inner| {
        let key = path_str(&inner.path);
        let Some(&(_, name, kind)) = KEYWORDS.iter().find(|(attr, ..)| *attr == key) else {
            skip_value(&inner)?;
            cx.error_spanned_by(
                &inner.path,
                format!("unknown `schema` keyword `{key}`; {EXPECTED}"),
            );
            return Ok(());
        };
        let input = inner.value()?;
        if matches!(kind, Kind::Text) && !input.peek(Lit) && !input.peek(syn::Token![-]) {
            let constant: syn::ExprPath = input.parse()?;
            push(cx, out, &inner.path, name, Value::TextConst(constant));
            return Ok(());
        }
        let negative = input.peek(syn::Token![-]);
        if negative {
            input.parse::<syn::Token![-]>()?;
        }
        let lit: Lit = input.parse()?;
        let value = match (kind, lit) {
            (Kind::Count, Lit::Int(int)) if !negative => Value::Count(int.base10_parse()?),
            (Kind::Number, lit @ (Lit::Int(_) | Lit::Float(_))) => Value::Number { negative, lit },
            (Kind::Text, Lit::Str(text)) if !negative => Value::Text(text),
            (kind, lit) => {
                let wanted = match kind {
                    Kind::Count => "a non-negative integer",
                    Kind::Number => "a number",
                    Kind::Text => "a string (or a `&str` constant)",
                };
                cx.error_spanned_by(lit, format!("`{key}` takes {wanted}"));
                return Ok(());
            }
        };
        push(cx, out, &inner.path, name, value);
        Ok(())
    })
}

fn push(cx: &mut Ctxt, out: &mut Vec<Keyword>, key: &syn::Path, name: &'static str, value: Value) {
    if out.iter().any(|seen| seen.name == name) {
        cx.error_spanned_by(
            key,
            format!("duplicate `schema` keyword `{}`", path_str(key)),
        );
    } else {
        out.push(Keyword {
            name,
            value,
            key: key.clone(),
        });
    }
}

impl Keyword {
    /// `("minLength", Value::from(1u64))`, with `json` a path that has serde_json's `Value`.
    pub fn to_tokens(&self, json: &TokenStream) -> TokenStream {
        let name = self.name;
        let value = match &self.value {
            Value::Count(count) => quote!(#json::Value::from(#count)),
            Value::Number { negative, lit } => {
                let sign = negative.then(|| quote!(-));
                // An integer stays one in the schema (`1`, not `1.0`) when it fits.
                let whole = match lit {
                    Lit::Int(int) => int.base10_digits().parse::<i64>().ok(),
                    _ => None,
                };
                match whole {
                    Some(whole) => quote!(#json::Value::from(#sign #whole)),
                    None => quote!(#json::Value::from(#sign (#lit as f64))),
                }
            }
            Value::Text(text) => quote!(#json::Value::from(#text)),
            Value::TextConst(constant) => quote!(#json::Value::from(#constant)),
        };
        quote!((#name, #value))
    }
}
