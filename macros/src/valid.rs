//! Checks that involve more than one field or attribute. Simpler checks happen while parsing.

use std::collections::BTreeMap;

use syn::GenericParam;

use crate::ast::Input;
use crate::ctxt::Ctxt;

pub fn check(cx: &mut Ctxt, input: &Input) {
    check_names(cx, input);
    check_const_generics(cx, input);
}

/// Two fields answering to one key would make the document ambiguous; when one of them is
/// server-only it would make a forbidden field writable.
fn check_names(cx: &mut Ctxt, input: &Input) {
    let mut owners: BTreeMap<&str, &syn::Ident> = BTreeMap::new();
    for field in &input.fields {
        for name in field.names() {
            if let Some(owner) = owners.get(name) {
                if *owner != field.ident {
                    cx.error_spanned_by(
                        field.ident,
                        format!("field `{}` answers to the key {name:?}, which field `{owner}` answers to already", field.ident),
                    );
                }
            } else {
                owners.insert(name, field.ident);
            }
        }
    }
}

fn check_const_generics(cx: &mut Ctxt, input: &Input) {
    for param in &input.original.generics.params {
        if let GenericParam::Const(param) = param {
            cx.error_spanned_by(param, "`SafeUpdate` does not support const generics yet");
        }
    }
}
