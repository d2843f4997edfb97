//! Every `#[serde(...)]` attribute gets a verdict: honoured exactly as the model's own
//! `Deserialize` honours it, accepted because it never changes which keys a patch reads or
//! how, or refused with what to write instead. The table a user reads is in the runtime
//! crate's documentation ("Serde attributes"); this file is its implementation. A verdict that
//! depends on the field's policy (`skip` on a writable field, say) is given in `valid.rs`.

use syn::meta::ParseNestedMeta;
use syn::{Attribute, ExprPath, Ident, LitStr, Path};

use crate::case::RenameRule;
use crate::ctxt::Ctxt;
use crate::meta::{path_str, skip_value};
use crate::symbol::SERDE;

/// What the container's `serde` attributes say about reading a document, and about writing
/// one (for the model's views).
#[derive(Default)]
pub struct SerdeContainer {
    /// `rename_all` (its `deserialize` half when split).
    pub rename_all: Option<RenameRule>,
    /// `rename_all`'s `serialize` half: the names a view writes.
    pub ser_rename_all: Option<RenameRule>,
    /// `rename`'s `serialize` half: the struct's name a view gives the serializer.
    pub ser_name: Option<String>,
    /// `into = "..."`: the model serializes as another type, which a view cannot honour.
    pub into: Option<Path>,
    /// `default` or `default = "path"`: a document that leaves a field out gives it the
    /// field's value in `Model::default()` (or in `path()`). A create input does the same.
    pub default: Option<SerdeDefault>,
}

/// `default` (the type's `Default`), or `default = "path"` (a function returning the value).
pub struct SerdeDefault {
    /// The `default` keyword, for spans.
    pub keyword: Path,
    /// The function of `default = "path"`.
    pub function: Option<ExprPath>,
}

pub fn container(cx: &mut Ctxt, attrs: &[Attribute]) -> SerdeContainer {
    let mut out = SerdeContainer::default();
    for_each_meta(cx, attrs, |cx, meta| {
        let key = path_str(&meta.path);
        match key.as_str() {
            // #[serde(rename_all = "...")], #[serde(rename_all(deserialize = "..."))]
            "rename_all" => {
                let names = names(meta)?;
                let rule = |cx: &mut Ctxt, lit: &LitStr| match RenameRule::from_str(&lit.value()) {
                    Some(parsed) => Some(parsed),
                    None => {
                        cx.error_spanned_by(
                            lit,
                            format!(
                                "unknown rename rule `rename_all = {:?}`; expected one of {}",
                                lit.value(),
                                RenameRule::expected()
                            ),
                        );
                        None
                    }
                };
                if let Some(lit) = names.deserialize.first() {
                    out.rename_all = rule(cx, lit);
                }
                if let Some(lit) = &names.serialize {
                    // The same rule as the `deserialize` half is reported once.
                    out.ser_rename_all =
                        if names.deserialize.first().map(LitStr::value) == Some(lit.value()) {
                            out.rename_all
                        } else {
                            rule(cx, lit)
                        };
                }
            }
            // The struct's own name: a view gives it to the serializer, as serde's derive does.
            "rename" => out.ser_name = names(meta)?.serialize.map(|lit| lit.value()),
            // Serialization through another type.
            "into" => {
                skip_value(meta)?;
                out.into = Some(meta.path.clone());
            }
            // The defaults of fields a document leaves out: a patch leaves such a field
            // unchanged, a create input gives it this default, as the model's own serde does.
            "default" => out.default = Some(serde_default(cx, meta)?),
            // The struct's own name (formats that write it), unknown keys (a patch always
            // refuses them), serde's own bounds and paths, serialization, error text.
            "deny_unknown_fields" | "bound" | "crate" | "expecting" => skip_value(meta)?,
            // #[serde(from = "...")], #[serde(try_from = "...")]
            "from" | "try_from" => {
                skip_value(meta)?;
                cx.error_spanned_by(
                    &meta.path,
                    format!(
                        "`#[serde({key})]` is not supported: the model's `Deserialize` builds it \
                         from a whole document through another type, which a patch of a few \
                         fields cannot run, so its checks would be bypassed; check the would-be \
                         result with `#[update(validate = path)]` on the struct, or a field with \
                         `#[update(allow, validate = path)]`"
                    ),
                );
            }
            // #[serde(transparent)]
            "transparent" => cx.error_spanned_by(
                &meta.path,
                "`#[serde(transparent)]` is not supported: the model reads as its one field, \
                 not as an object of named fields; derive `SafeUpdate` on the field's type \
                 instead",
            ),
            // #[serde(remote = "...")]
            "remote" => {
                skip_value(meta)?;
                cx.error_spanned_by(
                    &meta.path,
                    "`#[serde(remote = \"...\")]` is not supported: it describes another \
                     crate's type, whose fields a patch cannot write; derive `SafeUpdate` on a \
                     struct of your own and convert",
                );
            }
            // #[serde(tag = "...")]
            "tag" => {
                skip_value(meta)?;
                cx.error_spanned_by(
                    &meta.path,
                    "`#[serde(tag = \"...\")]` is not supported: the model's documents carry a \
                     key naming the struct, which a patch would refuse as unknown; remove it, or \
                     wrap the model in an enum for the tagged representation",
                );
            }
            // Enum-only attributes, which serde refuses on a struct too.
            "untagged" | "content" | "rename_all_fields" | "field_identifier"
            | "variant_identifier" => {
                skip_value(meta)?;
                cx.error_spanned_by(
                    &meta.path,
                    format!(
                        "`#[serde({key})]` applies to enums, and `SafeUpdate` models are structs"
                    ),
                );
            }
            _ => {
                skip_value(meta)?;
                cx.error_spanned_by(
                    &meta.path,
                    format!("unknown serde container attribute `{key}`"),
                );
            }
        }
        Ok(())
    });
    out
}

/// What a field's `serde` attributes say about reading it.
#[derive(Default)]
pub struct SerdeField {
    /// The first `deserialize` name of `rename`.
    pub rename: Option<String>,
    /// `alias`es, and the further `deserialize` names of `rename`.
    pub aliases: Vec<String>,
    /// `flatten`.
    pub flatten: Option<Path>,
    /// The function of `deserialize_with = "path"`, or `path::deserialize` of `with = "path"`,
    /// spanned at the user's string.
    pub read_with: Option<ExprPath>,
    /// `skip` or `skip_deserializing`: the model never reads the field.
    pub skip: Option<Path>,
    /// `borrow`: the model borrows the field from the input.
    pub borrow: Option<Path>,
    /// `default` or `default = "path"`: what the field takes when a document leaves it out (a
    /// patch leaves it unchanged; a create input gives it this default).
    pub default: Option<SerdeDefault>,
    /// `rename`'s `serialize` half: the name a view writes.
    pub ser_rename: Option<String>,
    /// `skip` or `skip_serializing`: the model never writes the field, nor does a view.
    pub skip_serializing: Option<Path>,
    /// `skip_serializing_if = "path"`: written only when `path(&value)` is false.
    pub skip_serializing_if: Option<ExprPath>,
    /// The function of `serialize_with = "path"`, or `path::serialize` of `with = "path"`.
    pub write_with: Option<ExprPath>,
    /// `getter = "..."` (of `remote`): a view reads fields, not getters.
    pub getter: Option<Path>,
}

pub fn field(cx: &mut Ctxt, attrs: &[Attribute]) -> SerdeField {
    let mut out = SerdeField::default();
    for_each_meta(cx, attrs, |cx, meta| {
        let key = path_str(&meta.path);
        match key.as_str() {
            // #[serde(rename = "a")], #[serde(rename(deserialize = "a", deserialize = "b"))]:
            // serde reads the first name and takes every one as an alias.
            "rename" => {
                let names = names(meta)?;
                out.ser_rename = names.serialize.map(|lit| lit.value());
                let mut names = names.deserialize.into_iter().map(|lit| lit.value());
                if let Some(first) = names.next() {
                    out.rename = Some(first);
                }
                out.aliases.extend(names);
            }
            // #[serde(alias = "a")]
            "alias" => {
                let lit: LitStr = meta.value()?.parse()?;
                out.aliases.push(lit.value());
            }
            // #[serde(flatten)]
            "flatten" => out.flatten = Some(meta.path.clone()),
            // #[serde(deserialize_with = "path")], #[serde(with = "module")]
            "deserialize_with" | "with" => {
                let lit: LitStr = meta.value()?.parse()?;
                if key == "with" {
                    if let Ok(mut path) = lit.parse::<ExprPath>() {
                        let segment = Ident::new("serialize", lit.span());
                        path.path.segments.push(segment.into());
                        out.write_with = Some(path);
                    }
                }
                match lit.parse::<ExprPath>() {
                    Ok(mut path) => {
                        if key == "with" {
                            let segment = Ident::new("deserialize", lit.span());
                            path.path.segments.push(segment.into());
                        }
                        if out.read_with.is_some() {
                            cx.error_spanned_by(
                                &meta.path,
                                "a field is read by one function: `with` and \
                                 `deserialize_with` name one each",
                            );
                        }
                        out.read_with = Some(path);
                    }
                    Err(_) => cx.error_spanned_by(
                        &lit,
                        format!("`{key}` must be a path, such as \"my_module::read\""),
                    ),
                }
            }
            // #[serde(skip)], #[serde(skip_deserializing)]
            "skip" => {
                out.skip = Some(meta.path.clone());
                out.skip_serializing = Some(meta.path.clone());
            }
            "skip_deserializing" => out.skip = Some(meta.path.clone()),
            "skip_serializing" => out.skip_serializing = Some(meta.path.clone()),
            // #[serde(skip_serializing_if = "path")], #[serde(serialize_with = "path")]
            "skip_serializing_if" | "serialize_with" => {
                let lit: LitStr = meta.value()?.parse()?;
                match lit.parse::<ExprPath>() {
                    Ok(path) if key == "serialize_with" => out.write_with = Some(path),
                    Ok(path) => out.skip_serializing_if = Some(path),
                    Err(_) => cx.error_spanned_by(
                        &lit,
                        format!("`{key}` must be a path, such as \"my_module::write\""),
                    ),
                }
            }
            "getter" => {
                skip_value(meta)?;
                out.getter = Some(meta.path.clone());
            }
            // #[serde(borrow)], #[serde(borrow = "'a")]
            "borrow" => {
                skip_value(meta)?;
                out.borrow = Some(meta.path.clone());
            }
            // #[serde(default)], #[serde(default = "path")]
            "default" => out.default = Some(serde_default(cx, meta)?),
            // Serde's own bounds.
            "bound" => skip_value(meta)?,
            _ => {
                skip_value(meta)?;
                cx.error_spanned_by(&meta.path, format!("unknown serde field attribute `{key}`"));
            }
        }
        Ok(())
    });
    out
}

/// `default` or `default = "path"`.
fn serde_default(cx: &mut Ctxt, meta: &ParseNestedMeta) -> syn::Result<SerdeDefault> {
    let function = if meta.input.peek(syn::Token![=]) {
        let lit: LitStr = meta.value()?.parse()?;
        match lit.parse::<ExprPath>() {
            Ok(path) => Some(path),
            Err(_) => {
                cx.error_spanned_by(&lit, "`default` must be a path, such as \"my_module::new\"");
                None
            }
        }
    } else {
        None
    };
    Ok(SerdeDefault {
        keyword: meta.path.clone(),
        function,
    })
}

fn for_each_meta(
    cx: &mut Ctxt,
    attrs: &[Attribute],
    mut each: impl FnMut(&mut Ctxt, &ParseNestedMeta) -> syn::Result<()>,
) {
    for attr in attrs.iter().filter(|attr| attr.path() == SERDE) {
        // Reported even where serde's derive reports it too: a model that does not derive
        // `Deserialize` has nobody else to tell, and a name we could not read is a key we
        // would get wrong.
        if let Err(error) = attr.parse_nested_meta(|meta| each(cx, &meta)) {
            cx.syn_error(error);
        }
    }
}

/// The names of `key = "name"` or `key(serialize = "...", deserialize = "name", ...)`.
struct Names {
    /// The name written (serde takes the last `serialize`).
    serialize: Option<LitStr>,
    /// The names a document may use, in order.
    deserialize: Vec<LitStr>,
}

fn names(meta: &ParseNestedMeta) -> syn::Result<Names> {
    if meta.input.peek(syn::Token![=]) {
        let lit: LitStr = meta.value()?.parse()?;
        return Ok(Names {
            serialize: Some(lit.clone()),
            deserialize: vec![lit],
        });
    }
    let mut names = Names {
        serialize: None,
        deserialize: Vec::new(),
    };
    meta.parse_nested_meta(|inner| {
        let lit: LitStr = inner.value()?.parse()?;
        if inner.path.is_ident("deserialize") {
            names.deserialize.push(lit);
        } else if inner.path.is_ident("serialize") {
            names.serialize = Some(lit);
        }
        Ok(())
    })?;
    Ok(names)
}
