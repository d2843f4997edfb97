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
//! | [`Fields`], [`Pair`] | nothing: what the object visitor reads into (a patch, or `WithExtra`'s two); reading is `read/` |
//! | [`Key`] | `de.rs`: `Patch::__key` |
//! | [`field`], [`Plain`], [`Clearable`], [`Nested`], [`NestedClearable`], [`With`], [`WithClearable`], [`Reading`], [`Source`] | `de.rs`: `Patch::__field`, one reader per field shape |
//! | [`DeserializeWith`] | `de.rs`: one type per `#[serde(deserialize_with)]` / `with` field |
//! | [`Path`] | `de.rs` and `apply.rs`: paths of reported fields |
//! | [`would_erase`] | `apply.rs`: `Patch::__check` |
//! | [`replace`] | `apply.rs`: `Patch::__write` |
//! | [`Probe`], [`ProbeFallback`] | `probe.rs` (is a field's type a model?) and `de.rs` (keys of a flattened server-only field) |
//! | `schema` (feature `schemars`) | `schema.rs`: the patch type's `JsonSchema` |
//! | [`serde`], [`core`] | every generator, for absolute paths |

mod apply;
mod create;
mod path;
mod probe;
mod read;
#[cfg(feature = "schemars")]
pub mod schema;

pub use apply::replace;
pub use create::required;
pub use path::Path;
pub use probe::{Probe, ProbeFallback};
pub use read::{
    deserialize, field, would_erase, Clearable, Collector, DeserializeWith, Fields, Key, Nested,
    NestedClearable, Pair, Plain, Read, Reader, Reading, Source, With, WithClearable,
};

#[cfg(feature = "form")]
pub(crate) use read::from_form_body;
pub(crate) use read::from_json_str;

pub use core;
pub use serde;
