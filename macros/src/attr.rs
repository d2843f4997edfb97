//! `#[update(...)]` parsed into typed structs. Simple checks happen here, while parsing;
//! checks that involve several attributes or fields live in `valid.rs`.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::punctuated::Punctuated;
use syn::{Attribute, ExprPath, Ident, LitStr, Path, Token, WherePredicate};

use crate::ctxt::Ctxt;
use crate::keyword::{self, Keyword};
use crate::meta::{path_str, skip_value};
use crate::symbol::{
    Symbol, ALLOW, ATTR, BOUND, CHANGE, CLEAR, CRATE, CREATE, CREATE_DEFAULT, CREATE_ONLY, DEFAULT,
    IDENTITY, NAME, NESTED, READ, REDACT, ROLE, SCHEMA, SCHEMA_WITH, SECRET, SERVER_ONLY, UPDATE,
    VALIDATE, VIEW, WHEN,
};

/// What one field's `#[update(...)]` attributes say.
#[derive(Default)]
pub struct FieldAttrs {
    /// Each `allow` or `allow(role = "...", when = ..., change = ...)`: the field is writable
    /// when any one of them admits the write (a bare `allow`: anyone).
    pub grants: Vec<Grant>,
    /// The `server_only` keyword, kept for spans.
    pub server_only: Option<Path>,
    /// The `nested` keyword: the field's type derives `SafeUpdate` too.
    pub nested: Option<Path>,
    /// `validate = path::to::check`.
    pub validate: Option<ExprPath>,
    /// `clear` or `clear(role = "...")`: who may send `null` for a nested `Option` field.
    pub clear: Option<ClearAttr>,
    /// The `redact` keyword: the patch's `Debug` shows `[redacted]` for the field's value.
    pub redact: Option<Path>,
    /// `schema_with = path`: a `fn(&mut SchemaGenerator) -> Schema` giving the field's value
    /// schema (feature `schemars`), needed where the type's own schema would be wrong.
    pub schema_with: Option<ExprPath>,
    /// `schema(min_length = 1, ...)`: keywords added to the field's value schema.
    pub schema: Vec<Keyword>,
    /// `create_default` or `create_default = expr`: the value a create input leaves out takes.
    pub create_default: Option<CreateDefault>,
    /// The `create_only` keyword: set by the create input, never by a patch.
    pub create_only: Option<Path>,
    /// Each `read` or `read(role = "...", when = ...)`: who may see the field in a view (any
    /// one admits; a bare `read`: whoever may read the model). The keyword, for spans.
    pub reads: Vec<(Path, Grant)>,
    /// The `secret` keyword: never in a view.
    pub secret: Option<Path>,
}

/// `create_default` (the type's `Default`) or `create_default = expr`.
pub struct CreateDefault {
    /// The keyword, for spans.
    pub keyword: Path,
    /// The expression; `None` for `Default::default()`.
    pub expr: Option<syn::Expr>,
}

/// One `allow`: it admits a write when the sender holds one of its roles (if it names any),
/// every `when` condition holds and every `change` rule permits the value. A bare `allow` has
/// none of them: anyone.
#[derive(Clone)]
pub struct Grant {
    /// `role = "..."`: any one of them.
    pub roles: Vec<LitStr>,
    /// `when = path`: `fn(&Identity, &Model) -> bool` (or `Result<(), E>`).
    pub when: Vec<ExprPath>,
    /// `change = path`: `fn(&Identity, Option<&Value>, &Value) -> bool` (or `Result<(), E>`).
    pub change: Vec<ExprPath>,
}

impl Grant {
    /// Whether the grant admits anyone: a bare `allow`.
    pub fn is_anyone(&self) -> bool {
        self.roles.is_empty() && !self.has_rules()
    }

    /// Whether the grant has a condition or a value rule.
    pub fn has_rules(&self) -> bool {
        !self.when.is_empty() || !self.change.is_empty()
    }
}

/// `clear`, with the roles of `clear(role = "...")`.
pub struct ClearAttr {
    /// The keyword, for spans.
    pub keyword: Path,
    /// Any one of these roles allows clearing; empty means anyone may clear.
    pub roles: Vec<LitStr>,
}

/// Who may write a field.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    Writable,
    ServerOnly,
}

impl FieldAttrs {
    /// The field's policy as its attributes and the container's `default` say; `None` when
    /// nothing says (reported by `valid::missing_policy`).
    pub fn policy(&self, container: &ContainerAttrs) -> Option<Policy> {
        if !self.grants.is_empty() || (self.nested.is_some() && self.server_only.is_none()) {
            Some(Policy::Writable)
        } else if self.server_only.is_some() || container.default_server_only {
            Some(Policy::ServerOnly)
        } else {
            None
        }
    }
}

/// What the container's `#[update(...)]` attributes say.
#[derive(Default)]
pub struct ContainerAttrs {
    /// `name = "..."`: the patch type's name.
    pub name: Option<Ident>,
    /// `default = server_only`: fields without a policy are server-only.
    pub default_server_only: bool,
    /// A `default = ...` other than `server_only`, already reported.
    pub default_refused: bool,
    /// `crate = "..."`: where the runtime crate is.
    pub krate: Option<Path>,
    /// `validate = path`: checks the would-be result as a whole.
    pub validate: Option<ExprPath>,
    /// `attr(...)`: attributes put on the patch type.
    pub attrs: Vec<TokenStream>,
    /// `bound = "..."`: where-predicates that replace the inferred bounds.
    pub bound: Option<Vec<WherePredicate>>,
    /// The `create` keyword: also generate a create input and a struct of server-only fields.
    pub create: Option<Path>,
    /// `identity = Type`: what the model's conditions and value rules see of the sender.
    pub identity: Option<syn::Type>,
    /// `view` or `view(server_only = secret | read)`: the model offers views; what a
    /// server-only field without a read rule of its own is.
    pub view: Option<ViewAttr>,
}

/// `view`, and its default for server-only fields.
pub struct ViewAttr {
    /// `server_only = secret` (`Some(false)`) or `server_only = read` (`Some(true)`): what a
    /// server-only field without `read` or `secret` is; `None`: each must say.
    pub server_only_readable: Option<bool>,
}

const FIELD_KEYS: &str = "expected `allow`, `allow(role = \"...\", when = ..., change = ...)`, \
     `server_only`, `nested`, \
     `clear`, `clear(role = \"...\")`, `validate = ...`, `redact`, `schema_with = ...`, \
     `schema(...)`, `create_default`, `create_default = ...`, `create_only`, `read`, \
     `read(role = \"...\", when = ...)` or `secret`";
const CONTAINER_KEYS: &str = "expected `name = \"...\"`, `default = server_only`, \
     `crate = \"...\"`, `validate = ...`, `attr(...)`, `bound = \"...\"`, `create`, \
     `identity = Type` or `view`";

pub fn field(cx: &mut Ctxt, attrs: &[Attribute]) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in update_attrs(attrs) {
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path == ALLOW {
                // #[update(allow)], #[update(allow(role = "admin", role = "support"))],
                // #[update(allow(when = is_author), allow(role = "admin"))]
                let grant = parse_grant(cx, &meta, ALLOW)?;
                if out.server_only.is_some() {
                    cx.error_spanned_by(&meta.path, CONTRADICTION);
                } else if grant.is_anyone() && out.grants.iter().any(Grant::is_anyone) {
                    cx.error_spanned_by(&meta.path, "duplicate `update` attribute `allow`");
                } else if grant.is_anyone() && !out.grants.is_empty()
                    || out.grants.iter().any(Grant::is_anyone)
                {
                    cx.error_spanned_by(
                        &meta.path,
                        "a bare `allow` lets anyone write the field, so another `allow` beside \
                         it adds nothing: remove the bare one, or give it a role, a condition \
                         or a value rule",
                    );
                } else {
                    out.grants.push(grant);
                }
            } else if meta.path == SERVER_ONLY {
                // #[update(server_only)]
                no_arguments(cx, &meta)?;
                if out.server_only.is_some() {
                    cx.error_spanned_by(&meta.path, "duplicate `update` attribute `server_only`");
                } else if !out.grants.is_empty() {
                    cx.error_spanned_by(&meta.path, CONTRADICTION);
                } else {
                    out.server_only = Some(meta.path.clone());
                }
            } else if meta.path == NESTED {
                // #[update(nested)]
                no_arguments(cx, &meta)?;
                set_once(cx, &meta, &mut out.nested, meta.path.clone());
            } else if meta.path == CLEAR {
                // #[update(nested, clear)] or #[update(nested, clear(role = "admin"))]
                let roles = parse_roles(cx, &meta, CLEAR)?;
                let clear = ClearAttr {
                    keyword: meta.path.clone(),
                    roles,
                };
                set_once(cx, &meta, &mut out.clear, clear);
            } else if meta.path == VALIDATE {
                // #[update(validate = path::to::check)]
                let check: ExprPath = meta.value()?.parse()?;
                set_once(cx, &meta, &mut out.validate, check);
            } else if meta.path == REDACT {
                // #[update(allow, redact)]
                no_arguments(cx, &meta)?;
                set_once(cx, &meta, &mut out.redact, meta.path.clone());
            } else if meta.path == SCHEMA_WITH {
                // #[update(allow, schema_with = path::to::schema)]
                let schema: ExprPath = meta.value()?.parse()?;
                set_once(cx, &meta, &mut out.schema_with, schema);
            } else if meta.path == SCHEMA {
                // #[update(allow, schema(min_length = 1, max_length = 64))]
                keyword::parse(cx, &meta, &mut out.schema)?;
            } else if meta.path == CREATE_DEFAULT {
                // #[update(allow, create_default)] or #[update(allow, create_default = expr)]
                let expr = if meta.input.peek(Token![=]) {
                    Some(meta.value()?.parse::<syn::Expr>()?)
                } else {
                    no_arguments(cx, &meta)?;
                    None
                };
                let default = CreateDefault {
                    keyword: meta.path.clone(),
                    expr,
                };
                set_once(cx, &meta, &mut out.create_default, default);
            } else if meta.path == READ {
                // #[update(read)], #[update(read(role = "admin"), read(when = is_self))]
                let grant = parse_grant(cx, &meta, READ)?;
                out.reads.push((meta.path.clone(), grant));
            } else if meta.path == SECRET {
                // #[update(server_only, secret)]
                no_arguments(cx, &meta)?;
                set_once(cx, &meta, &mut out.secret, meta.path.clone());
            } else if meta.path == CREATE_ONLY {
                // #[update(allow, create_only)]
                no_arguments(cx, &meta)?;
                set_once(cx, &meta, &mut out.create_only, meta.path.clone());
            } else if meta.path == ROLE {
                skip_value(&meta)?;
                cx.error_spanned_by(
                    &meta.path,
                    "`role` goes inside `allow`: `#[update(allow(role = \"...\"))]`",
                );
            } else {
                skip_value(&meta)?;
                cx.error_spanned_by(
                    &meta.path,
                    format!(
                        "unknown `update` attribute `{}`; {FIELD_KEYS}",
                        path_str(&meta.path)
                    ),
                );
            }
            Ok(())
        });
        if let Err(error) = parsed {
            cx.syn_error(error);
        }
    }
    out
}

const CONTRADICTION: &str = "`allow` and `server_only` contradict each other: a field is \
     either writable (by anyone, or as its `allow(role = ..., when = ..., change = ...)` grants \
     admit) or server-only, which no role or condition can open";

pub fn container(cx: &mut Ctxt, attrs: &[Attribute]) -> ContainerAttrs {
    let mut out = ContainerAttrs::default();
    let mut default_seen = false;
    for attr in update_attrs(attrs) {
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path == NAME {
                // #[update(name = "UserChanges")]
                let lit: LitStr = meta.value()?.parse()?;
                match syn::parse_str::<Ident>(&lit.value()) {
                    Ok(name) => set_once(
                        cx,
                        &meta,
                        &mut out.name,
                        Ident::new(&name.to_string(), lit.span()),
                    ),
                    Err(_) => cx.error_spanned_by(
                        &lit,
                        format!("`name` must be a Rust identifier, found {:?}", lit.value()),
                    ),
                }
            } else if meta.path == DEFAULT {
                // #[update(default = server_only)]
                let policy: Path = meta.value()?.parse()?;
                if default_seen {
                    cx.error_spanned_by(&meta.path, "duplicate `update` attribute `default`");
                }
                default_seen = true;
                if policy == SERVER_ONLY {
                    out.default_server_only = true;
                } else if policy == ALLOW {
                    out.default_refused = true;
                    cx.error_spanned_by(
                        &policy,
                        "`default = allow` is not supported: it makes every field added later \
                         client-writable, which is the mass-assignment bug; mark each writable \
                         field with `#[update(allow)]` instead",
                    );
                } else {
                    out.default_refused = true;
                    cx.error_spanned_by(&policy, "expected `default = server_only`");
                }
            } else if meta.path == CRATE {
                // #[update(crate = "my::path::to::safe_update")]
                let lit: LitStr = meta.value()?.parse()?;
                match lit.parse::<Path>() {
                    Ok(path) => set_once(cx, &meta, &mut out.krate, path),
                    Err(_) => cx.error_spanned_by(
                        &lit,
                        "`crate` must be a path, such as \"::safe_update\"",
                    ),
                }
            } else if meta.path == VALIDATE {
                // #[update(validate = path::to::check)]
                let check: ExprPath = meta.value()?.parse()?;
                set_once(cx, &meta, &mut out.validate, check);
            } else if meta.path == ATTR {
                // #[update(attr(derive(schemars::JsonSchema)))]
                let content;
                syn::parenthesized!(content in meta.input);
                out.attrs.push(content.parse()?);
            } else if meta.path == BOUND {
                // #[update(bound = "T: MyTrait")]
                let lit: LitStr = meta.value()?.parse()?;
                let predicates =
                    lit.parse_with(Punctuated::<WherePredicate, Token![,]>::parse_terminated)?;
                set_once(cx, &meta, &mut out.bound, predicates.into_iter().collect());
            } else if meta.path == CREATE {
                // #[update(create)]
                no_arguments(cx, &meta)?;
                set_once(cx, &meta, &mut out.create, meta.path.clone());
            } else if meta.path == VIEW {
                // #[update(view)], #[update(view(server_only = secret))]
                let mut view = ViewAttr {
                    server_only_readable: None,
                };
                if meta.input.peek(syn::token::Paren) {
                    meta.parse_nested_meta(|inner| {
                        if inner.path == SERVER_ONLY {
                            let value: Path = inner.value()?.parse()?;
                            if value == SECRET {
                                view.server_only_readable = Some(false);
                            } else if value == READ {
                                view.server_only_readable = Some(true);
                            } else {
                                cx.error_spanned_by(
                                    &value,
                                    "expected `server_only = secret` or `server_only = read`",
                                );
                            }
                        } else {
                            skip_value(&inner)?;
                            cx.error_spanned_by(
                                &inner.path,
                                "unknown `view` argument; expected `server_only = secret` or \
                                 `server_only = read`",
                            );
                        }
                        Ok(())
                    })?;
                }
                set_once(cx, &meta, &mut out.view, view);
            } else if meta.path == IDENTITY {
                // #[update(identity = Claims)]
                let identity: syn::Type = meta.value()?.parse()?;
                set_once(cx, &meta, &mut out.identity, identity);
            } else if meta.path == ALLOW || meta.path == SERVER_ONLY {
                skip_value(&meta)?;
                cx.error_spanned_by(
                    &meta.path,
                    format!(
                        "`{}` belongs on a field; on the struct, use `default = server_only`",
                        path_str(&meta.path)
                    ),
                );
            } else {
                skip_value(&meta)?;
                cx.error_spanned_by(
                    &meta.path,
                    format!(
                        "unknown `update` attribute `{}` on a struct; {CONTAINER_KEYS}",
                        path_str(&meta.path)
                    ),
                );
            }
            Ok(())
        });
        if let Err(error) = parsed {
            cx.syn_error(error);
        }
    }
    out
}

fn update_attrs(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|attr| attr.path() == UPDATE)
}

/// The roles of `clear(role = "...", ...)`; none for the bare `clear`.
fn parse_roles(cx: &mut Ctxt, meta: &ParseNestedMeta, keyword: Symbol) -> syn::Result<Vec<LitStr>> {
    Ok(parse_grant(cx, meta, keyword)?.roles)
}

/// `keyword`, or `keyword(role = "...", when = path, change = path, ...)`: its roles, and for
/// `allow` its conditions and value rules (`clear` takes roles only).
fn parse_grant(cx: &mut Ctxt, meta: &ParseNestedMeta, keyword: Symbol) -> syn::Result<Grant> {
    let mut grant = Grant {
        roles: Vec::new(),
        when: Vec::new(),
        change: Vec::new(),
    };
    let takes_rules = keyword == ALLOW || keyword == READ;
    let takes_change = keyword == ALLOW;
    if meta.input.peek(Token![=]) {
        return Err(meta.error(if takes_rules {
            format!("expected `{keyword}` or `{keyword}(role = \"...\", when = ..., change = ...)`")
        } else {
            format!("expected `{keyword}` or `{keyword}(role = \"...\")`")
        }));
    }
    if !meta.input.peek(syn::token::Paren) {
        return Ok(grant);
    }
    let before = meta.input.fork();
    let content;
    syn::parenthesized!(content in before.fork());
    if content.is_empty() {
        let group: proc_macro2::TokenStream = meta.input.parse()?;
        cx.error_spanned_by(group, needs_a_role(keyword));
        return Ok(grant);
    }
    // Parts written, valid or not: an empty role is reported once, as empty, not again as
    // "no role".
    let mut written = 0;
    meta.parse_nested_meta(|inner| {
        if inner.path == ROLE {
            written += 1;
            let role: LitStr = inner.value()?.parse()?;
            let name = role.value();
            if name.trim().is_empty() {
                cx.error_spanned_by(&role, "a role must not be empty");
            } else if grant.roles.iter().any(|seen| seen.value() == name) {
                cx.error_spanned_by(&role, format!("duplicate role {name:?}"));
            } else {
                grant.roles.push(role);
            }
        } else if takes_rules && (inner.path == WHEN || (takes_change && inner.path == CHANGE)) {
            written += 1;
            let rule: ExprPath = inner.value()?.parse()?;
            let rules = if inner.path == WHEN {
                &mut grant.when
            } else {
                &mut grant.change
            };
            // Compared as written: `ExprPath: PartialEq` needs syn's `extra-traits`, which
            // this crate does not enable (and must not rely on another crate enabling).
            let written = |path: &ExprPath| path.to_token_stream().to_string();
            if rules.iter().any(|seen| written(seen) == written(&rule)) {
                cx.error_spanned_by(
                    &rule,
                    format!("duplicate `{}` in one grant", path_str(&inner.path)),
                );
            } else {
                rules.push(rule);
            }
        } else {
            // Reported here: not reported again as an empty grant.
            written += 1;
            skip_value(&inner)?;
            let expected = if takes_change {
                "`role = \"...\"`, `when = path::to::condition` or `change = path::to::rule`"
            } else if takes_rules {
                "`role = \"...\"` or `when = path::to::condition` (a read has no new value to \
                 judge)"
            } else {
                "`role = \"...\"`"
            };
            cx.error_spanned_by(
                &inner.path,
                format!(
                    "unknown `{keyword}` argument `{}`; expected {expected}",
                    path_str(&inner.path)
                ),
            );
        }
        Ok(())
    })?;
    if written == 0 {
        let group: proc_macro2::TokenStream = before.parse()?;
        cx.error_spanned_by(group, needs_a_role(keyword));
    }
    Ok(grant)
}

fn needs_a_role(keyword: Symbol) -> String {
    if keyword == ALLOW {
        format!(
            "`{keyword}(...)` needs a `role = \"...\"`, `when = ...` or `change = ...`; for \
             anyone, write `{keyword}`"
        )
    } else if keyword == READ {
        format!(
            "`{keyword}(...)` needs a `role = \"...\"` or `when = ...`; for whoever may read the \
             model, write `{keyword}`"
        )
    } else {
        format!(
            "`{keyword}(...)` needs at least one `role = \"...\"`; for anyone, write `{keyword}`"
        )
    }
}

fn no_arguments(cx: &mut Ctxt, meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(Token![=]) || meta.input.peek(syn::token::Paren) {
        skip_value(meta)?;
        cx.error_spanned_by(
            &meta.path,
            format!("`{}` takes no arguments", path_str(&meta.path)),
        );
    }
    Ok(())
}

fn set_once<T>(cx: &mut Ctxt, meta: &ParseNestedMeta, slot: &mut Option<T>, value: T) {
    if slot.is_some() {
        cx.error_spanned_by(
            &meta.path,
            format!("duplicate `update` attribute `{}`", path_str(&meta.path)),
        );
    } else {
        *slot = Some(value);
    }
}
