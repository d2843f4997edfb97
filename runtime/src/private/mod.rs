//! What generated code calls. Not public API: no semver guarantee, may change in any release.
//!
//! Generated code names everything through this module (`::safe_update::__private::...`), so
//! that a user needs no direct dependency on serde just to derive. Which generator of the
//! derive (`macros/src/expand/`) emits each item:
//!
//! | item | emitted by |
//! |---|---|
//! | [`deserialize`] | `de.rs`: the `Deserialize` of the patch type and the create input |
//! | [`required`], [`Collector::missing`] | `create.rs`: `Document::__finish` of the create input |
//! | [`Fields`], [`Pair`] | nothing: what the readers read into (a patch, or `WithExtra`'s two) |
//! | [`Key`] | `de.rs`: `Patch::__key` |
//! | [`field`], [`Plain`], [`Clearable`], [`Nested`], [`NestedClearable`], [`With`], [`WithClearable`], [`Collector`] | `de.rs`: `Patch::__field`, one reader per field shape |
//! | [`DeserializeWith`] | `de.rs`: one type per `#[serde(deserialize_with)]` / `with` field |
//! | [`Path`] | `de.rs` and `apply.rs`: paths of reported fields |
//! | [`would_erase`] | `apply.rs`: `Patch::__check` |
//! | [`replace`] | `apply.rs`: `Patch::__write` |
//! | [`Probe`], [`ProbeFallback`] | `probe.rs` (is a field's type a model?) and `de.rs` (keys of a flattened server-only field) |
//! | `schema` (feature `schemars`) | `schema.rs`: the patch type's `JsonSchema` |
//! | [`serde`], [`core`] | every generator, for absolute paths |

mod apply;
mod careful;
mod create;
mod de;
mod fields;
#[cfg(feature = "form")]
mod form;
mod path;
mod probe;
mod read;
mod rescan;
#[cfg(feature = "schemars")]
pub mod schema;
mod stream;
mod watch;

pub use apply::replace;
pub use create::required;
pub use de::{deserialize, Collector, Key};
pub use fields::{Fields, Pair};
pub use path::Path;
pub use probe::{Probe, ProbeFallback};
pub use read::{
    field, would_erase, Clearable, DeserializeWith, Nested, NestedClearable, Plain, Read, Reader,
    With, WithClearable,
};

pub(crate) use de::from_json_str;
#[cfg(feature = "form")]
pub(crate) use form::from_form_body;

pub use core;
pub use serde;
