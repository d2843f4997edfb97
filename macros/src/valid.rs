//! Checks that involve more than one field or attribute. Simpler checks happen while parsing.

use std::collections::BTreeMap;

use syn::GenericParam;

use crate::ast::Input;
use crate::ctxt::Ctxt;

pub fn check(cx: &mut Ctxt, input: &Input) {
    check_names(cx, input);
    check_const_generics(cx, input);
    check_create(cx, input);
}

/// A create input of a generic model would need every bound of the model's parameters
/// inferred for a second type; until that is done, it is refused rather than half-supported.
fn check_create(cx: &mut Ctxt, input: &Input) {
    if let (Some(create), false) = (
        &input.attrs.create,
        input.original.generics.params.is_empty(),
    ) {
        cx.error_spanned_by(
            create,
            "`create` is not supported on a generic model yet; derive it on a concrete model \
             (a struct without type or lifetime parameters)",
        );
    }
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
