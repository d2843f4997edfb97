//! Every key of `#[update(...)]`, named once (serde's `internals/symbol.rs`): the parsers in
//! `attr.rs` and the fallback's own reading of `name` and `create` compare against these, so a
//! key is spelled in one place. The keys of `#[serde(...)]` are matched in `serde_attr.rs`,
//! whose table gives each one its verdict.

use std::fmt::{self, Display};

use syn::Path;

/// One attribute name or key, compared with a path as `meta.path == ALLOW`.
#[derive(Copy, Clone, PartialEq, Eq)]
pub struct Symbol(&'static str);

/// The attribute: `#[update(...)]`.
pub const UPDATE: Symbol = Symbol("update");
/// `#[serde(...)]`, read for the keys and defaults a document uses.
pub const SERDE: Symbol = Symbol("serde");
/// `#[doc = "..."]` (`///`), a field's schema description.
pub const DOC: Symbol = Symbol("doc");

// Field keys.
/// `allow` or `allow(role = "...")`; also a value of the container's `default`, refused.
pub const ALLOW: Symbol = Symbol("allow");
/// `server_only`; also the one value of the container's `default`.
pub const SERVER_ONLY: Symbol = Symbol("server_only");
/// `nested`.
pub const NESTED: Symbol = Symbol("nested");
/// `clear` or `clear(role = "...")`.
pub const CLEAR: Symbol = Symbol("clear");
/// `role = "..."`, inside `allow(...)` and `clear(...)`.
pub const ROLE: Symbol = Symbol("role");
/// `when = path` inside `allow(...)`: a condition.
pub const WHEN: Symbol = Symbol("when");
/// `change = path` inside `allow(...)`: a value rule.
pub const CHANGE: Symbol = Symbol("change");
/// `create_only` on a field: writable in the create input, forbidden in a patch.
pub const CREATE_ONLY: Symbol = Symbol("create_only");
/// `read` or `read(role = "...", when = ...)` on a field: who may see it in a view.
pub const READ: Symbol = Symbol("read");
/// `secret` on a field: never in a view.
pub const SECRET: Symbol = Symbol("secret");
/// `view` on the struct: the model offers views.
pub const VIEW: Symbol = Symbol("view");
/// `identity = Type` on the struct.
pub const IDENTITY: Symbol = Symbol("identity");
/// `validate = path`, on a field or on the struct.
pub const VALIDATE: Symbol = Symbol("validate");
/// `redact`.
pub const REDACT: Symbol = Symbol("redact");
/// `schema_with = path`.
pub const SCHEMA_WITH: Symbol = Symbol("schema_with");
/// `schema(...)`.
pub const SCHEMA: Symbol = Symbol("schema");
/// `create_default` or `create_default = expr`.
pub const CREATE_DEFAULT: Symbol = Symbol("create_default");

// Container keys.
/// `name = "..."`.
pub const NAME: Symbol = Symbol("name");
/// `default = server_only`.
pub const DEFAULT: Symbol = Symbol("default");
/// `crate = "..."`.
pub const CRATE: Symbol = Symbol("crate");
/// `attr(...)`.
pub const ATTR: Symbol = Symbol("attr");
/// `bound = "..."`.
pub const BOUND: Symbol = Symbol("bound");
/// `create`.
pub const CREATE: Symbol = Symbol("create");

impl PartialEq<Symbol> for Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl PartialEq<Symbol> for &Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl Display for Symbol {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.0)
    }
}
