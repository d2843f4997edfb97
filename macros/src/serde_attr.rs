//! The few `#[serde(...)]` attributes that decide a field's wire names. Everything else in a
//! `serde` attribute belongs to serde and is skipped without judgement.

use syn::meta::ParseNestedMeta;
use syn::{Attribute, LitStr};

use crate::attr::skip_value;
use crate::case::RenameRule;
use crate::ctxt::Ctxt;

/// The container's `rename_all` (its `deserialize` half when split).
pub fn rename_all(cx: &mut Ctxt, attrs: &[Attribute]) -> Option<RenameRule> {
    let mut rule = None;
    for_each_meta(cx, attrs, |cx, meta| {
        if meta.path.is_ident("rename_all") {
            if let Some(lit) = deserialize_name(meta)? {
                match RenameRule::from_str(&lit.value()) {
                    Some(parsed) => rule = Some(parsed),
                    None => cx.error_spanned_by(
                        &lit,
                        format!(
                            "unknown rename rule `rename_all = {:?}`; expected one of {}",
                            lit.value(),
                            RenameRule::expected()
                        ),
                    ),
                }
            }
        } else {
            skip_value(meta)?;
        }
        Ok(())
    });
    rule
}

/// A field's `rename` (deserialize half) and `alias`es, and whether it is `flatten`ed.
#[derive(Default)]
pub struct SerdeField {
    pub rename: Option<String>,
    pub aliases: Vec<String>,
    pub flatten: Option<syn::Path>,
}

pub fn field(cx: &mut Ctxt, attrs: &[Attribute]) -> SerdeField {
    let mut out = SerdeField::default();
    for_each_meta(cx, attrs, |_, meta| {
        if meta.path.is_ident("rename") {
            if let Some(lit) = deserialize_name(meta)? {
                out.rename = Some(lit.value());
            }
        } else if meta.path.is_ident("alias") {
            let lit: LitStr = meta.value()?.parse()?;
            out.aliases.push(lit.value());
        } else if meta.path.is_ident("flatten") {
            out.flatten = Some(meta.path.clone());
        } else {
            skip_value(meta)?;
        }
        Ok(())
    });
    out
}

fn for_each_meta(
    cx: &mut Ctxt,
    attrs: &[Attribute],
    mut each: impl FnMut(&mut Ctxt, &ParseNestedMeta) -> syn::Result<()>,
) {
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        let mut errors = Ctxt::default();
        // A syntax error here is serde's to report; ours would only repeat it.
        let _ = attr.parse_nested_meta(|meta| each(&mut errors, &meta));
        if let Err(error) = errors.check() {
            cx.syn_error(error);
        }
    }
}

/// `key = "name"` or `key(serialize = "...", deserialize = "name")`: the name a document uses.
fn deserialize_name(meta: &ParseNestedMeta) -> syn::Result<Option<LitStr>> {
    if meta.input.peek(syn::Token![=]) {
        return Ok(Some(meta.value()?.parse()?));
    }
    let mut name = None;
    meta.parse_nested_meta(|inner| {
        let lit: LitStr = inner.value()?.parse()?;
        if inner.path.is_ident("deserialize") {
            name = Some(lit);
        }
        Ok(())
    })?;
    Ok(name)
}
