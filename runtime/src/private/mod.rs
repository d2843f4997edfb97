//! What generated code calls. Not public API: no semver guarantee, may change in any release.
//!
//! Generated code names everything through this module (`::safe_update::__private::...`), so
//! that a user needs no direct dependency on serde just to derive. Which generator of the
//! derive (`macros/src/expand/`) emits each item:
//!
//! | item | emitted by |
//! |---|---|
//! | [`Fields`], [`Key`] | `fields.rs`: the patch's `Fields`, how it is read (`key`, `field`, `protected`, ...) |
//! | [`field`], [`Serde`], [`With`], [`Nested`], [`Refused`], [`Clears`], [`Guarded`], [`Reading`], [`Source`] | `fields.rs`: `Fields::field`, one reader (a value reader and a `null` rule) per field shape |
//! | [`Input`], [`Collector`], [`required`] | `create/read.rs`: `Input` of the create input (`finish`: each required field, or missing) |
//! | [`deserialize`] | `de.rs` and `create/read.rs`: the `Deserialize` of the patch type and the create input |
//! | [`Pair`] | nothing: `WithExtra`'s two inputs read from one object |
//! | [`DeserializeWith`] | `de.rs`: one type per `#[serde(deserialize_with)]` / `with` field |
//! | [`Path`] | `fields.rs` and `apply.rs`: paths of reported fields |
//! | [`NestedField`], [`WriteNestedBySerialize`] | `view.rs`: a nested model in its parent's view (its own view's `__write` is beside `SafeView`) |
//! | [`PathField`], [`PathShape`] | `paths.rs`: `Patch::__PATHS`, what a JSON Patch pointer may name |
//! | [`would_erase`] | `apply.rs`: `Patch::__check` |
//! | [`condition`], [`value_rule`], [`role`], [`Verdict`], [`Sent`] | `grant.rs`: a field's grants, in `Patch::__check` and `Create::__permit` |
//! | [`IdentityType`], [`identity_type`] | `gen.rs`: what a model that names its identity asks of it (a constant, and a bound on the inherent `apply_as` and `build_as`) |
//! | [`shares`], [`Shares`], [`Shared`] | `gen.rs` (the bounds), `apply.rs` and `create/build.rs`: the sender passed to a nested model |
//! | [`replace`] | `apply.rs`: `Patch::__write` |
//! | [`Probe`], [`ProbeFallback`] | `probe.rs` (is a field's type a model?) and `fields.rs` (keys of a flattened server-only field) |
//! | `schema` (feature `schemars`) | `schema.rs`: the patch type's `JsonSchema` |
//! | [`model_policy`], [`field_policy`], [`ModelPolicy`], [`PolicyWrite`], [`PolicyGrant`], [`PolicyNull`] | `policy.rs`: `SafeUpdate::policy` |
//! | [`serde`], [`core`] | every generator, for absolute paths |
//!
//! Nothing here names a public trait (`Patch`, `Document`, `SafeUpdate`): the public layer
//! builds on this module, never the reverse. `Patch` has [`Fields`] as a supertrait,
//! `Document` is [`Input`] under a public name, and the items of [`Probe`] that only a model
//! answers are written beside `SafeUpdate` (`patch.rs`). Of the public layer, this module uses
//! only `error.rs`'s `PatchError` and the data types of `policy`, which build on nothing here.

mod apply;
mod create;
mod grant;
mod path;
mod paths;
mod policy;
mod probe;
mod read;
#[cfg(feature = "schemars")]
pub mod schema;
mod secret;
mod view_nested;
#[cfg(feature = "schemars")]
pub mod view_schema;

pub use crate::policy::{
    Grant as PolicyGrant, ModelPolicy, Null as PolicyNull, Read as PolicyRead, Write as PolicyWrite,
};
pub use apply::replace;
pub use create::required;
pub use grant::{
    admits, condition, identity_type, role, shares, value_rule, IdentityType, Sent, Shared, Shares,
    Verdict,
};
pub use path::Path;
pub use paths::{PathField, PathShape};
pub use policy::{field_policy, model_policy};
pub use probe::{Probe, ProbeFallback};
pub use read::{
    deserialize, field, would_erase, Clears, Collector, DeserializeWith, Fields, Guarded, Input,
    Key, Nested, Null, Pair, ReadValue, Reading, Refused, Serde, Source, With,
};
pub use secret::{
    SecretFieldForbidsJsonSchema, SecretFieldForbidsSerialize, SecretFieldForbidsToSchema,
};
pub use view_nested::{NestedField, WriteNestedBySerialize};

#[cfg(feature = "form")]
pub(crate) use read::from_form_body;
pub(crate) use read::from_json_str;
#[cfg(feature = "json-patch")]
pub(crate) use read::FieldReader;

pub use core;
pub use serde;
