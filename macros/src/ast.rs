//! Our view of the input: each field with its policy, wire names and shape, borrowing from
//! syn so that errors can point at the user's tokens.

use syn::ext::IdentExt;
use syn::{
    Data, DeriveInput, ExprPath, Fields, GenericArgument, Ident, LitStr, PathArguments, Type,
};

use crate::attr::{self, ContainerAttrs, CreateDefault, FieldAttrs, Grant, Policy};
use crate::case::RenameRule;
use crate::ctxt::Ctxt;
use crate::keyword::Keyword;
use crate::serde_attr::{self, SerdeDefault, SerdeField};
use crate::symbol::DOC;
use crate::valid;

/// A struct with named fields that derives `SafeUpdate`.
pub struct Input<'a> {
    /// The whole input, for spans and generics.
    pub original: &'a DeriveInput,
    /// The container's `#[update(...)]`.
    pub attrs: ContainerAttrs,
    /// Every field of the model, server-only ones included.
    pub fields: Vec<Field<'a>>,
    /// The struct's name in what the model serializes (`#[serde(rename)]`'s `serialize` half).
    pub ser_name: String,
}

/// One field of the model.
pub struct Field<'a> {
    /// The field as written, for spans.
    pub original: &'a syn::Field,
    /// The field's name.
    pub ident: &'a Ident,
    /// Writable (by anyone or by roles) or server-only.
    pub policy: Policy,
    /// How a document writes the field (a server-only field is never written, and never
    /// `Nested`).
    pub shape: Shape<'a>,
    /// The field's name in a document (after `rename_all` and `rename`).
    pub wire: String,
    /// Other names a document may use: `alias`es, and the Rust name of a server-only field.
    pub aliases: Vec<String>,
    /// `validate = path`.
    pub validate: Option<ExprPath>,
    /// The field's `allow`s, none for a bare `allow` (anyone) or a server-only field: the
    /// field is writable when any one admits the write.
    pub grants: Vec<Grant>,
    /// The model's `#[serde(deserialize_with)]` (or `with`) function, which the patch reads
    /// the field through too.
    pub read_with: Option<ExprPath>,
    /// `#[serde(flatten)]` on a server-only field: its keys are those of its type.
    pub flatten: bool,
    /// `redact`: the patch's `Debug` hides the value.
    pub redact: bool,
    /// `schema_with = path`: the value's JSON Schema, instead of its type's.
    pub schema_with: Option<ExprPath>,
    /// `schema(...)`: keywords added to the value's JSON Schema.
    pub schema: Vec<Keyword>,
    /// The field's doc comment, the description of its schema.
    pub doc: Option<String>,
    /// `create_only`: the create input sets it, a patch refuses it as it refuses a server-only
    /// field (it is no member of the patch).
    pub create_only: bool,
    /// Who may see the field in a view (`#[update(view)]` models; `Anyone` elsewhere).
    pub read: Read,
    /// The field's name in what the model serializes (after `rename_all` and `rename`'s
    /// `serialize` halves).
    pub ser_name: String,
    /// `#[serde(skip)]` or `skip_serializing`: the model never writes it, nor does a view.
    pub skip_serializing: bool,
    /// `#[serde(skip_serializing_if = "path")]`.
    pub skip_serializing_if: Option<ExprPath>,
    /// `#[serde(serialize_with = "path")]`, or `path::serialize` of `with`.
    pub write_with: Option<ExprPath>,
    /// What a create input holds for the field: required, optional, or defaulted (a server-only
    /// field is never in one, and its kind is never read).
    pub create_kind: CreateKind,
}

/// What a document may do to a writable field, decided once here and matched by every
/// generator (serde's `Style`). Each names the runtime reader (`__private`) that reads it: how
/// its value is read, and what `null` means (`expand/fields.rs`).
pub enum Shape<'a> {
    /// `T`: a value replaces the field, `null` is refused. Read by `Serde<T>`, or by
    /// `With<_>` through the model's `deserialize_with` function; `Refused`.
    Plain,
    /// `Option<T>`: a value sets the field, `null` clears it (RFC 7396). Read by `Serde<T>`,
    /// or by `With<_>` through the model's function; `Clears`.
    Clearable { inner: &'a Type },
    /// `#[update(nested)] T`: an object is `T`'s patch, merged in; `null` is refused. Read by
    /// `Nested<T::Patch>`; `Refused`.
    Nested,
    /// `#[update(nested)] Option<T>`: an object is `T`'s patch, merged into the current value;
    /// `null` clears it as `clear` says. Read by `Nested<T::Patch>`; `Guarded` without
    /// `clear`, `Clears` with it.
    NestedClearable { inner: &'a Type, clear: Clear },
}

/// Who may see a field in a view.
pub enum Read {
    /// Whoever may read the model (a bare `read`, a writable field without a rule, or a
    /// server-only one under `view(server_only = read)`).
    Anyone,
    /// `read(role = "...", when = ...)`s: any one admits.
    Grants(Vec<Grant>),
    /// `secret` (or `view(server_only = secret)`): never in a view.
    Secret,
}

/// Who may clear a nested `Option` field with `null`: clearing erases the sub-model, its
/// server-only and role-gated fields with it, so it is a write of those fields too.
pub enum Clear {
    /// No `clear`: refused when the sub-model has a protected field at any depth (the runtime's
    /// `Guarded`), allowed otherwise.
    Guarded,
    /// `clear`: anyone who may send the patch.
    Anyone,
    /// `clear(role = "...")`: an identity holding one of the roles.
    Roles(Vec<LitStr>),
}

/// What the create input of `#[update(create)]` holds for a writable field, decided once here
/// and matched by every part of the create generator and by the create input's schema.
pub enum CreateKind {
    /// `T` (or the sub-model's input): the document must send it.
    Required,
    /// `Option<T>` (or of the sub-model's input): absent and `null` are `None`.
    Optional,
    /// `Option` of what a document writes: `None` takes this creation default, the field's
    /// `create_default`, else the default the model's own serde gives a field a document
    /// leaves out.
    Defaulted(Box<CreateDefault>),
}

impl CreateKind {
    /// Whether a document must send the field.
    pub fn is_required(&self) -> bool {
        matches!(self, CreateKind::Required)
    }
}

impl Shape<'_> {
    /// Whether `null` is a value of the field (an `Option`, nested or not): a document writes
    /// `Option<value>` to it.
    pub fn clears(&self) -> bool {
        matches!(
            self,
            Shape::Clearable { .. } | Shape::NestedClearable { .. }
        )
    }
}

impl<'a> Input<'a> {
    /// `None` (with the error recorded) for anything but a struct with named fields.
    pub fn from_syn(cx: &mut Ctxt, input: &'a DeriveInput) -> Option<Self> {
        let attrs = attr::container(cx, &input.attrs);
        let serde = serde_attr::container(cx, &input.attrs);
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
        let model = Model {
            ident: &input.ident,
            rename_all: serde.rename_all,
            ser_rename_all: serde.ser_rename_all,
            serde_default: serde.default.as_ref(),
        };
        let fields: Vec<Field> = named
            .named
            .iter()
            .filter_map(|field| Field::from_syn(cx, field, &attrs, &model))
            .collect();
        valid::input(
            cx,
            &attrs,
            &input.generics,
            fields.iter().map(|field| (field.ident, field.names())),
        );
        valid::view(cx, &attrs, serde.into.as_ref());
        let ser_name = serde.ser_name.unwrap_or_else(|| input.ident.to_string());
        Some(Input {
            original: input,
            attrs,
            fields,
            ser_name,
        })
    }

    /// The fields a patch writes: the members of the patch type.
    pub fn writable(&self) -> impl Iterator<Item = &Field<'a>> {
        self.fields
            .iter()
            .filter(|field| field.policy == Policy::Writable && !field.create_only)
    }

    /// The fields a create input sets: the patch's and the `create_only` ones, in declaration
    /// order.
    pub fn creatable(&self) -> impl Iterator<Item = &Field<'a>> {
        self.fields
            .iter()
            .filter(|field| field.policy == Policy::Writable)
    }

    /// The `create_only` fields: set by the create input, refused in a patch.
    pub fn create_only(&self) -> impl Iterator<Item = &Field<'a>> {
        self.creatable().filter(|field| field.create_only)
    }

    pub fn server_only(&self) -> impl Iterator<Item = &Field<'a>> {
        self.fields
            .iter()
            .filter(|field| field.policy == Policy::ServerOnly)
    }

    /// Whether some field needs a role: to write it, or to clear it.
    pub fn is_gated(&self) -> bool {
        self.writable()
            .any(|field| field.is_gated() || field.clear_roles().is_some())
    }
}

const NAMED_ONLY: &str = "`SafeUpdate` can only be derived for structs with named fields";

/// What a field needs to know of the model's serde attributes.
struct Model<'m> {
    ident: &'m Ident,
    rename_all: Option<RenameRule>,
    /// `rename_all`'s `serialize` half.
    ser_rename_all: Option<RenameRule>,
    /// `#[serde(default)]` on the struct.
    serde_default: Option<&'m SerdeDefault>,
}

impl<'a> Field<'a> {
    fn from_syn(
        cx: &mut Ctxt,
        field: &'a syn::Field,
        container: &ContainerAttrs,
        model: &Model,
    ) -> Option<Self> {
        let rename_all = model.rename_all;
        let ident = field.ident.as_ref()?;
        let errors_before = cx.len();
        let mut attrs = attr::field(cx, &field.attrs);
        // A field whose attribute is already reported as wrong, or a container whose `default`
        // is, would only repeat that error as "no update policy".
        let policy_reported = cx.len() > errors_before || container.default_refused;
        let serde = serde_attr::field(cx, &field.attrs);
        let policy = attrs.policy(container).unwrap_or_else(|| {
            valid::missing_policy(cx, ident, policy_reported);
            Policy::ServerOnly
        });
        valid::policy(cx, &attrs, policy);
        // What a create input that leaves the field out gives it: `create_default`, else the
        // default the model's own serde gives a field a document leaves out.
        let explicit = attrs.create_default.take();
        let serde_default = match (&explicit, policy, &container.create) {
            (None, Policy::Writable, Some(_)) => serde_create_default(&serde, model, ident),
            _ => None,
        };
        valid::create_default(
            cx,
            &attrs,
            explicit.as_ref(),
            explicit.is_some() || serde_default.is_some(),
            policy,
            container,
        );
        let create_default = explicit.or(serde_default);
        valid::serde(cx, &attrs, &serde, policy);
        let optional = option_inner(&field.ty);
        let nested = attrs.nested.is_some() && policy == Policy::Writable;
        valid::clear(cx, &attrs, nested, optional.is_some());
        valid::grants(cx, &attrs, container, nested);
        valid::create_only(cx, &attrs, policy, container);
        let shape = shape(&attrs, nested, optional);
        let create_kind = match (create_default, shape.clears()) {
            (Some(default), _) => CreateKind::Defaulted(Box::new(default)),
            (None, false) => CreateKind::Required,
            (None, true) => CreateKind::Optional,
        };
        let rust_name = ident.unraw().to_string();
        let wire = match (&serde.rename, rename_all) {
            (Some(rename), _) => rename.clone(),
            (None, Some(rule)) => rule.apply_to_field(&rust_name),
            (None, None) => rust_name.clone(),
        };
        let ser_name = match (&serde.ser_rename, model.ser_rename_all) {
            (Some(rename), _) => rename.clone(),
            (None, Some(rule)) => rule.apply_to_field(&rust_name),
            (None, None) => rust_name.clone(),
        };
        valid::read(cx, ident, &attrs, policy, container, &serde);
        let read = read_rule(&mut attrs, policy, container);
        let flatten = serde.flatten.is_some();
        let mut aliases = serde.aliases;
        if policy == Policy::ServerOnly && rust_name != wire {
            // No spelling of a server-only field is writable, nor even merely "unknown".
            aliases.push(rust_name);
        }
        let read_with = match policy {
            Policy::Writable => serde.read_with,
            // Never read by a patch.
            Policy::ServerOnly => None,
        };
        Some(Field {
            original: field,
            ident,
            policy,
            shape,
            wire,
            aliases,
            validate: attrs.validate,
            // A bare `allow` is the only grant of its field (`attr.rs`): anyone.
            grants: attrs
                .grants
                .into_iter()
                .filter(|grant| !grant.is_anyone())
                .collect(),
            read_with,
            flatten,
            redact: attrs.redact.is_some(),
            schema_with: attrs.schema_with.take(),
            schema: std::mem::take(&mut attrs.schema),
            doc: doc_comment(&field.attrs),
            create_kind,
            create_only: attrs.create_only.is_some() && policy == Policy::Writable,
            read,
            ser_name,
            skip_serializing: serde.skip_serializing.is_some(),
            skip_serializing_if: serde.skip_serializing_if,
            write_with: serde.write_with,
        })
    }

    /// The field's type as written in the model.
    pub fn ty(&self) -> &'a Type {
        &self.original.ty
    }

    /// The sub-model's type of a nested field (`T` of `T` or `Option<T>`).
    pub fn nested_ty(&self) -> Option<&'a Type> {
        match self.shape {
            Shape::Nested => Some(self.ty()),
            Shape::NestedClearable { inner, .. } => Some(inner),
            Shape::Plain | Shape::Clearable { .. } => None,
        }
    }

    /// Whether some view may write the field: serialized, and not `secret`.
    pub fn in_views(&self) -> bool {
        !self.skip_serializing && !matches!(self.read, Read::Secret)
    }

    /// Whether some grant decides who may write the field (it is not writable by anyone).
    pub fn is_gated(&self) -> bool {
        !self.grants.is_empty()
    }

    /// Whether a grant has a condition or a value rule (the model's identity reaches it).
    pub fn has_rules(&self) -> bool {
        self.grants.iter().any(Grant::has_rules)
    }

    /// The roles of the grants that ask for a role only, any one of which admits the write
    /// (what `Patch::GATED`, a role refusal and `x-safe-update-roles` list).
    pub fn role_only_roles(&self) -> Vec<&LitStr> {
        let mut roles: Vec<&LitStr> = Vec::new();
        for grant in self.grants.iter().filter(|grant| !grant.has_rules()) {
            for role in &grant.roles {
                if !roles.iter().any(|seen| seen.value() == role.value()) {
                    roles.push(role);
                }
            }
        }
        roles
    }

    /// The roles of `clear(role = "...")`.
    pub fn clear_roles(&self) -> Option<&[LitStr]> {
        match &self.shape {
            Shape::NestedClearable {
                clear: Clear::Roles(roles),
                ..
            } => Some(roles),
            _ => None,
        }
    }

    /// Every key a document may use for this field; none for a flattened field, whose keys
    /// are those of its type.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        let own = (!self.flatten).then_some(self.wire.as_str());
        own.into_iter()
            .chain(self.aliases.iter().map(String::as_str))
    }
}

/// Who may see the field in a view: its `secret` or `read`s, else a server-only field takes the
/// container's `view(server_only = ...)` (`valid::read` reports one without either), a writable
/// one is readable by whoever may read the model.
fn read_rule(attrs: &mut FieldAttrs, policy: Policy, container: &ContainerAttrs) -> Read {
    if attrs.secret.is_some() {
        return Read::Secret;
    }
    let reads: Vec<Grant> = std::mem::take(&mut attrs.reads)
        .into_iter()
        .map(|(_, grant)| grant)
        .collect();
    if reads.iter().any(Grant::is_anyone) {
        return Read::Anyone;
    }
    if !reads.is_empty() {
        return Read::Grants(reads);
    }
    let server_default = container
        .view
        .as_ref()
        .and_then(|view| view.server_only_readable);
    match (policy, server_default) {
        (Policy::ServerOnly, Some(false) | None) => Read::Secret,
        (Policy::ServerOnly, Some(true)) | (Policy::Writable, _) => Read::Anyone,
    }
}

/// The creation default of the model's serde: the field's `#[serde(default)]` (its type's
/// `Default`, or `default = "path"`), else the struct's (the field of `Model::default()`, or of
/// the function's model).
fn serde_create_default(serde: &SerdeField, model: &Model, ident: &Ident) -> Option<CreateDefault> {
    if let Some(default) = &serde.default {
        let expr = default.function.as_ref().map(|function| {
            syn::parse_quote_spanned!(syn::spanned::Spanned::span(function)=> #function())
        });
        return Some(CreateDefault {
            keyword: default.keyword.clone(),
            expr,
        });
    }
    let default = model.serde_default?;
    let model_ident = model.ident;
    let made: syn::Expr = match &default.function {
        Some(function) => syn::parse_quote!(#function()),
        None => syn::parse_quote!(<#model_ident as ::core::default::Default>::default()),
    };
    Some(CreateDefault {
        keyword: default.keyword.clone(),
        expr: Some(syn::parse_quote!({
            let __model: #model_ident = #made;
            __model.#ident
        })),
    })
}

/// The field's shape: `nested` (on a writable field) and an `Option` type decide it.
fn shape<'a>(attrs: &FieldAttrs, nested: bool, optional: Option<&'a Type>) -> Shape<'a> {
    match (nested, optional) {
        (false, None) => Shape::Plain,
        (false, Some(inner)) => Shape::Clearable { inner },
        (true, None) => Shape::Nested,
        (true, Some(inner)) => Shape::NestedClearable {
            inner,
            clear: match &attrs.clear {
                None => Clear::Guarded,
                Some(clear) if clear.roles.is_empty() => Clear::Anyone,
                Some(clear) => Clear::Roles(clear.roles.clone()),
            },
        },
    }
}

/// `T` of an `Option<T>` (also written `std::option::Option<T>` or `core::option::Option<T>`).
pub fn option_inner(ty: &Type) -> Option<&Type> {
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

/// The `///` lines of a field, joined as rustdoc would: one line each, trimmed.
fn doc_comment(attrs: &[syn::Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|attr| attr.path() == DOC)
        .filter_map(|attr| match &attr.meta {
            syn::Meta::NameValue(syn::MetaNameValue {
                value:
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(line),
                        ..
                    }),
                ..
            }) => Some(line.value().trim().to_owned()),
            _ => None,
        })
        .collect();
    let doc = lines.join("\n").trim().to_owned();
    (!doc.is_empty()).then_some(doc)
}
