//! Our view of the input: each field with its policy and wire names, borrowing from syn so
//! that errors can point at the user's tokens.

use syn::ext::IdentExt;
use syn::{
    Data, DeriveInput, ExprPath, Fields, GenericArgument, Ident, LitStr, PathArguments, Type,
};

use crate::attr::{self, ContainerAttrs};
use crate::case::RenameRule;
use crate::ctxt::Ctxt;
use crate::serde_attr;

/// A struct with named fields that derives `SafeUpdate`.
pub struct Input<'a> {
    /// The whole input, for spans and generics.
    pub original: &'a DeriveInput,
    /// The container's `#[update(...)]`.
    pub attrs: ContainerAttrs,
    /// Every field of the model, server-only ones included.
    pub fields: Vec<Field<'a>>,
}

/// One field of the model.
pub struct Field<'a> {
    /// The field as written, for spans.
    pub original: &'a syn::Field,
    /// The field's name.
    pub ident: &'a Ident,
    /// Writable (by anyone or by roles) or server-only.
    pub policy: Policy,
    /// The field's name in a document (after `rename_all` and `rename`).
    pub wire: String,
    /// Other names a document may use: `alias`es, and the Rust name of a server-only field.
    pub aliases: Vec<String>,
    /// `Option<T>` in the model: `null` clears it (RFC 7396).
    pub optional: Option<&'a Type>,
    /// `#[update(nested)]`: the type derives `SafeUpdate` and is merged recursively.
    pub nested: bool,
    /// `validate = path`.
    pub validate: Option<ExprPath>,
    /// Roles of `allow(role = "...")`: any one of them allows the write.
    pub roles: Vec<LitStr>,
    /// `#[serde(flatten)]`, which a patch cannot honour.
    pub flatten: Option<syn::Path>,
}

/// Who may write a field.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    Writable,
    ServerOnly,
}

impl<'a> Input<'a> {
    /// `None` (with the error recorded) for anything but a struct with named fields.
    pub fn from_syn(cx: &mut Ctxt, input: &'a DeriveInput) -> Option<Self> {
        let attrs = attr::container(cx, &input.attrs);
        let rename_all = serde_attr::rename_all(cx, &input.attrs);
        let named = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(named) => named,
                Fields::Unnamed(_) | Fields::Unit => {
                    cx.error_spanned_by(
                        &input.ident,
                        "`SafeUpdate` needs a struct with named fields: a patch addresses \
                         each field by its name",
                    );
                    return None;
                }
            },
            Data::Enum(data) => {
                cx.error_spanned_by(data.enum_token, NAMED_ONLY);
                return None;
            }
            Data::Union(data) => {
                cx.error_spanned_by(data.union_token, NAMED_ONLY);
                return None;
            }
        };
        let fields = named
            .named
            .iter()
            .filter_map(|field| Field::from_syn(cx, field, &attrs, rename_all))
            .collect();
        Some(Input {
            original: input,
            attrs,
            fields,
        })
    }

    pub fn writable(&self) -> impl Iterator<Item = &Field<'a>> {
        self.fields
            .iter()
            .filter(|field| field.policy == Policy::Writable)
    }

    pub fn server_only(&self) -> impl Iterator<Item = &Field<'a>> {
        self.fields
            .iter()
            .filter(|field| field.policy == Policy::ServerOnly)
    }
}

const NAMED_ONLY: &str = "`SafeUpdate` can only be derived for structs with named fields";

impl<'a> Field<'a> {
    fn from_syn(
        cx: &mut Ctxt,
        field: &'a syn::Field,
        container: &ContainerAttrs,
        rename_all: Option<RenameRule>,
    ) -> Option<Self> {
        let ident = field.ident.as_ref()?;
        let errors_before = cx.len();
        let attrs = attr::field(cx, &field.attrs);
        // A field whose attribute is already reported as wrong, or a container whose `default`
        // is, would only repeat that error as "no update policy".
        let policy_reported = cx.len() > errors_before || container.default_refused;
        let serde = serde_attr::field(cx, &field.attrs);
        let policy =
            if attrs.allow.is_some() || (attrs.nested.is_some() && attrs.server_only.is_none()) {
                Policy::Writable
            } else if attrs.server_only.is_some() || container.default_server_only {
                Policy::ServerOnly
            } else {
                if !policy_reported {
                    cx.error_spanned_by(
                        ident,
                        format!(
                            "field `{ident}` has no update policy; add `#[update(allow)]` or \
                     `#[update(server_only)]`"
                        ),
                    );
                }
                Policy::ServerOnly
            };
        let rust_name = ident.unraw().to_string();
        let wire = match (&serde.rename, rename_all) {
            (Some(rename), _) => rename.clone(),
            (None, Some(rule)) => rule.apply_to_field(&rust_name),
            (None, None) => rust_name.clone(),
        };
        let mut aliases = serde.aliases;
        if policy == Policy::ServerOnly && rust_name != wire {
            // No spelling of a server-only field is writable, nor even merely "unknown".
            aliases.push(rust_name);
        }
        if policy == Policy::ServerOnly {
            if let Some(nested) = &attrs.nested {
                cx.error_spanned_by(
                    nested,
                    "a server-only field cannot be `nested`: a patch never writes it",
                );
            }
        }
        if let Some(check) = &attrs.validate {
            if policy == Policy::ServerOnly {
                cx.error_spanned_by(check, "a server-only field is never written by a patch, so `validate` has nothing to check");
            } else if attrs.nested.is_some() {
                cx.error_spanned_by(check, "`validate` on a `nested` field: validate the nested model with a container validator, `#[update(validate = ...)]` on its struct");
            }
        }
        Some(Field {
            original: field,
            ident,
            policy,
            wire,
            aliases,
            optional: option_inner(&field.ty),
            nested: attrs.nested.is_some(),
            validate: attrs.validate,
            roles: attrs.allow.map(|allow| allow.roles).unwrap_or_default(),
            flatten: serde.flatten,
        })
    }

    /// The field's type as written in the model.
    pub fn ty(&self) -> &'a Type {
        &self.original.ty
    }

    /// Every name a document may use for this field.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.wire.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// `T` of an `Option<T>` (also written `std::option::Option<T>` or `core::option::Option<T>`).
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first() {
        Some(GenericArgument::Type(inner)) if args.args.len() == 1 => Some(inner),
        _ => None,
    }
}
