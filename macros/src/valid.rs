//! Checks that involve more than one attribute or field (serde's `check.rs`); a check of one
//! key alone happens while parsing it, in `attr.rs` or `serde_attr.rs`.
//!
//! `ast.rs` calls them as it builds the input: the checks of one field while it builds the
//! field, against its attributes as written, in the order their errors are reported; the
//! checks of the whole input once every field is built (`input`). They read the attributes
//! (`attr.rs`, `serde_attr.rs`), never the built input, so that `ast.rs` builds on this file
//! and not the reverse.

use std::collections::BTreeMap;

use syn::{GenericParam, Generics, Ident};

use crate::attr::{ContainerAttrs, CreateDefault, FieldAttrs, Policy};
use crate::ctxt::Ctxt;
use crate::meta;
use crate::serde_attr::SerdeField;

/// A field that neither its attributes nor the container's `default` give a policy; not
/// reported again when `reported` (its attribute, or the container's `default`, is wrong
/// already, and "no update policy" would only repeat that).
pub fn missing_policy(cx: &mut Ctxt, ident: &Ident, reported: bool) {
    if !reported {
        cx.error_spanned_by(
            ident,
            format!(
                "field `{ident}` has no update policy; add `#[update(allow)]` or \
                 `#[update(server_only)]`"
            ),
        );
    }
}

/// Checks of one field's `update` attributes against its policy.
pub fn policy(cx: &mut Ctxt, attrs: &FieldAttrs, policy: Policy) {
    if policy == Policy::ServerOnly {
        if let Some(nested) = &attrs.nested {
            cx.error_spanned_by(
                nested,
                "a server-only field cannot be `nested`: a patch never writes it",
            );
        }
    }
    if let (Some(redact), Policy::ServerOnly) = (&attrs.redact, policy) {
        cx.error_spanned_by(
            redact,
            "a server-only field is not a member of the patch, so its `Debug` never shows it: \
             `redact` has nothing to hide",
        );
    }
    if policy == Policy::ServerOnly {
        if let Some(schema_with) = &attrs.schema_with {
            cx.error_spanned_by(
                schema_with,
                "a server-only field is not a member of the patch, so it has no schema: remove \
                 `schema_with`",
            );
        }
        if !attrs.schema.is_empty() {
            cx.error_spanned_by(
                &attrs.schema[0].key,
                "a server-only field is not a member of the patch, so it has no schema: remove \
                 `schema(...)`",
            );
        }
    } else if let (Some(nested), Some(_)) = (&attrs.nested, &attrs.schema_with) {
        cx.error_spanned_by(
            nested,
            "a `nested` field's schema is its type's patch schema; remove `schema_with`",
        );
    }
    if let Some(check) = &attrs.validate {
        if policy == Policy::ServerOnly {
            cx.error_spanned_by(
                check,
                "a server-only field is never written by a patch, so `validate` has nothing \
                 to check",
            );
        } else if attrs.nested.is_some() {
            cx.error_spanned_by(
                check,
                "`validate` on a `nested` field: validate the nested model with a container \
                 validator, `#[update(validate = ...)]` on its struct",
            );
        }
    }
}

/// Checks of `create_default` (`explicit`) against the field's policy and the container's
/// `create`; `defaulted`: the field has a creation default, its own or its serde's.
pub fn create_default(
    cx: &mut Ctxt,
    attrs: &FieldAttrs,
    explicit: Option<&CreateDefault>,
    defaulted: bool,
    policy: Policy,
    container: &ContainerAttrs,
) {
    if let Some(default) = explicit {
        if container.create.is_none() {
            cx.error_spanned_by(
                &default.keyword,
                "`create_default` is what a field left out of a create input takes; it needs \
                 `#[update(create)]` on the struct",
            );
        } else if policy == Policy::ServerOnly {
            cx.error_spanned_by(
                &default.keyword,
                "a server-only field is never in a create input: the server gives its value in \
                 the struct of server-only fields; remove `create_default`",
            );
        }
    }
    // A field with a condition or value rule may be required: its grants are asked of the
    // would-be model, whose author (say) is the sender. One gated by roles alone would make
    // creating a role's privilege.
    let role_only = attrs
        .grants
        .iter()
        .find(|grant| !grant.roles.is_empty())
        .filter(|_| !attrs.grants.iter().any(|grant| grant.has_rules()));
    if let (Some(grant), Some(_), false) = (role_only, &container.create, defaulted) {
        cx.error_spanned_by(
            &grant.roles[0],
            "a role-gated field may be left out of a create input (a sender without the role \
             must be able to create), and then takes its creation default: add \
             `create_default` (the type's `Default`) or `create_default = expr`",
        );
    }
}

/// The verdicts on serde attributes that depend on the field's policy: what the model never
/// reads (`skip`) or reads in a way a patch cannot (`borrow`, `flatten`) must not be
/// writable; a server-only field is never read by a patch, so they do not matter there.
pub fn serde(cx: &mut Ctxt, attrs: &FieldAttrs, serde: &SerdeField, policy: Policy) {
    if policy == Policy::ServerOnly {
        return;
    }
    if let Some(skip) = &serde.skip {
        cx.error_spanned_by(
            skip,
            format!(
                "`#[serde({})]` on a writable field: the model never reads this field from a \
                 document, so a patch must not either; make it `#[update(server_only)]`",
                meta::path_str(skip)
            ),
        );
    }
    if let Some(borrow) = &serde.borrow {
        cx.error_spanned_by(
            borrow,
            "`#[serde(borrow)]` on a writable field is not supported: a patch owns its values \
             so that it outlives the request body; use an owned type such as `String` or \
             `Cow<'static, str>`",
        );
    }
    if let Some(flatten) = &serde.flatten {
        cx.error_spanned_by(
            flatten,
            "`#[serde(flatten)]` on a writable field is not supported: a patch must know every \
             key it accepts; use `#[update(nested)]` (its keys then sit under the field's name)",
        );
    }
    if let (Some(nested), Some(_)) = (&attrs.nested, &serde.read_with) {
        cx.error_spanned_by(
            nested,
            "a `nested` field is read as its type's patch, never through \
             `#[serde(deserialize_with)]` or `with`; remove one of them",
        );
    }
}

/// `create_only` makes a writable field one the create input sets and a patch refuses: it needs
/// `create`, a writable field, and a value the input holds whole (not a sub-model's patch).
pub fn create_only(cx: &mut Ctxt, attrs: &FieldAttrs, policy: Policy, container: &ContainerAttrs) {
    let Some(keyword) = &attrs.create_only else {
        return;
    };
    if container.create.is_none() {
        cx.error_spanned_by(
            keyword,
            "`create_only` makes a field writable by the create input only; it needs \
             `#[update(create)]` on the struct",
        );
    } else if policy == Policy::ServerOnly {
        cx.error_spanned_by(
            keyword,
            "a server-only field is written by neither a create input nor a patch; for a field \
             the client sets once, write `#[update(allow, create_only)]`",
        );
    } else if attrs.nested.is_some() {
        cx.error_spanned_by(
            keyword,
            "`create_only` on a `nested` field is not supported: make the sub-model's own fields \
             `create_only`, or the field server-only",
        );
    }
}

/// Conditions and value rules see the sender as the model's identity type, so the model names
/// one; a value rule sees a whole value, which a nested field does not replace (it merges).
pub fn grants(cx: &mut Ctxt, attrs: &FieldAttrs, container: &ContainerAttrs, nested: bool) {
    for grant in &attrs.grants {
        if container.identity.is_none() {
            if let Some(rule) = grant.when.first().or(grant.change.first()) {
                cx.error_spanned_by(
                    rule,
                    "a condition or value rule sees who is asking: name the identity type the \
                     model's rules take on the struct, `#[update(identity = YourIdentity)]` \
                     (it implements `safe_update::Roles` too)",
                );
            }
        }
        if let (Some(rule), true) = (grant.change.first(), nested) {
            cx.error_spanned_by(
                rule,
                "`change` on a `nested` field: a patch merges into the sub-model rather than \
                 replace it, so there is no new value to judge; put value rules on the \
                 sub-model's fields, or a `when` condition here",
            );
        }
    }
}

/// A field's read rule: `read` and `secret` need a model that offers views, contradict each
/// other, and a `when` needs the identity; in a model with views a server-only field says who
/// may read it (or the struct's `view(server_only = ...)` does), and what a view could not
/// write as the model's serde does is refused.
pub fn read(
    cx: &mut Ctxt,
    ident: &Ident,
    attrs: &FieldAttrs,
    policy: Policy,
    container: &ContainerAttrs,
    serde: &SerdeField,
) {
    let first_read = attrs.reads.first().map(|(keyword, _)| keyword);
    if container.view.is_none() {
        if let Some(keyword) = first_read.or(attrs.secret.as_ref()) {
            cx.error_spanned_by(
                keyword,
                format!(
                    "`{}` says who sees the field in a view: add `#[update(view)]` on the struct",
                    meta::path_str(keyword)
                ),
            );
        }
        return;
    }
    if let (Some(secret), Some(_)) = (&attrs.secret, first_read) {
        cx.error_spanned_by(
            secret,
            "`secret` and `read` contradict each other: a secret field is in no view",
        );
    }
    let bare = attrs
        .reads
        .iter()
        .filter(|(_, grant)| grant.is_anyone())
        .count();
    if bare > 0 && attrs.reads.len() > 1 {
        cx.error_spanned_by(
            &attrs.reads[1].0,
            "a bare `read` lets whoever may read the model see the field, so another `read` \
             beside it adds nothing: remove the bare one, or give it a role or a condition",
        );
    }
    if container.identity.is_none() {
        if let Some(rule) = attrs.reads.iter().find_map(|(_, grant)| grant.when.first()) {
            cx.error_spanned_by(
                rule,
                "a read condition sees who is asking: name the identity type the model's rules \
                 take on the struct, `#[update(identity = YourIdentity)]`",
            );
        }
    }
    let says = attrs.secret.is_some() || first_read.is_some();
    let server_default = container
        .view
        .as_ref()
        .and_then(|view| view.server_only_readable);
    if policy == Policy::ServerOnly && !says && server_default.is_none() {
        cx.error_spanned_by(
            ident,
            format!(
                "field `{ident}` is server-only in a model with views: say who may read it, \
                 `read`, `read(role = \"...\")`, `read(when = ...)` or `secret`, or give the \
                 struct a default, `#[update(view(server_only = secret))]`"
            ),
        );
    }
    if let Some(flatten) = &serde.flatten {
        cx.error_spanned_by(
            flatten,
            "`#[serde(flatten)]` in a model with views is not supported: a view writes each \
             field under its own name and read rule",
        );
    }
    if let Some(getter) = &serde.getter {
        cx.error_spanned_by(getter, "`getter` is for `remote`, which a model never is");
    }
}

/// The container's verdicts for a model with views: it serializes as itself.
pub fn view(cx: &mut Ctxt, attrs: &ContainerAttrs, into: Option<&syn::Path>) {
    if let (Some(_), Some(into)) = (&attrs.view, into) {
        cx.error_spanned_by(
            into,
            "`#[serde(into = \"...\")]` in a model with views is not supported: a view writes the \
             model's own fields under their read rules; convert after choosing what to show",
        );
    }
}

/// `clear` says who may clear a nested `Option` field: it needs `nested` (on a writable field)
/// and an `Option` type.
pub fn clear(cx: &mut Ctxt, attrs: &FieldAttrs, nested: bool, optional: bool) {
    if let Some(clear) = &attrs.clear {
        if !nested {
            cx.error_spanned_by(
                &clear.keyword,
                "`clear` goes with `nested` on an `Option` field, to say who may clear the \
                 sub-model with `null`; a plain `Option` field is cleared by `null` already",
            );
        } else if !optional {
            cx.error_spanned_by(
                &clear.keyword,
                "`clear` needs an `Option<...>` field: `null` clears only an optional value",
            );
        }
    }
}

/// The checks of the whole input, once every field is built: its container attributes, its
/// generics, and each field's name with every key a document may use for it.
pub fn input<'f, K: Iterator<Item = &'f str>>(
    cx: &mut Ctxt,
    attrs: &ContainerAttrs,
    generics: &Generics,
    fields: impl Iterator<Item = (&'f Ident, K)>,
) {
    check_names(cx, fields);
    check_const_generics(cx, generics);
    check_create(cx, attrs, generics);
}

/// A create input of a generic model would need every bound of the model's parameters
/// inferred for a second type; until that is done, it is refused rather than half-supported.
fn check_create(cx: &mut Ctxt, attrs: &ContainerAttrs, generics: &Generics) {
    if let (Some(create), false) = (&attrs.create, generics.params.is_empty()) {
        cx.error_spanned_by(
            create,
            "`create` is not supported on a generic model yet; derive it on a concrete model \
             (a struct without type or lifetime parameters)",
        );
    }
}

/// Two fields answering to one key would make the document ambiguous; when one of them is
/// server-only it would make a forbidden field writable.
fn check_names<'f, K: Iterator<Item = &'f str>>(
    cx: &mut Ctxt,
    fields: impl Iterator<Item = (&'f Ident, K)>,
) {
    let mut owners: BTreeMap<&str, &Ident> = BTreeMap::new();
    for (ident, names) in fields {
        for name in names {
            if let Some(owner) = owners.get(name) {
                if *owner != ident {
                    cx.error_spanned_by(
                        ident,
                        format!("field `{ident}` answers to the key {name:?}, which field `{owner}` answers to already"),
                    );
                }
            } else {
                owners.insert(name, ident);
            }
        }
    }
}

fn check_const_generics(cx: &mut Ctxt, generics: &Generics) {
    for param in &generics.params {
        if let GenericParam::Const(param) = param {
            cx.error_spanned_by(param, "`SafeUpdate` does not support const generics yet");
        }
    }
}
