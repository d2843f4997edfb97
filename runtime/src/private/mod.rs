//! What generated code needs from the runtime. Not public API: no semver guarantee.
//!
//! Generated code names everything through this module (`::safe_update::__private::...`),
//! so that a user needs no direct dependency on serde just to derive.

mod apply;
mod de;
mod path;

pub use apply::{check_whole, replace, validate};
pub use de::{
    deserialize, from_slice, nested, nested_optional, optional, required, Collector, Key,
};
pub use path::Path;

pub use core;
pub use serde;
