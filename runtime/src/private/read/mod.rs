//! Reading one object of a client's document into the fields of a patch (or of a create
//! input, or of `WithExtra`'s pair), with every refusal of this crate.
//!
//! Every format feeds the same object visitor ([`object.rs`](object)): a serde `MapAccess`
//! whose keys the fields classify ([`Fields`], which the derive implements for a patch: a
//! writable field, a forbidden or an unknown key, each refused key recorded) and whose values
//! each writable field reads with the reader of its shape ([`field.rs`](field): a repeated
//! key, `null`, a nested object, a type error). What differs between readers is only how a
//! value is read, the [`Source`], a type parameter that a nested object inherits:
//! [`FirstPass`] (`from_json`'s fast path: the first error ends the document), [`OneAtATime`]
//! (each value read on its own, so that one wrong value hides nothing: `from_json`'s second
//! pass over a refused document, and forms) and [`Stream`] (the `Deserialize` impl, which
//! cannot read twice). Problems go into the [`Collector`] with their paths (where the reader
//! is, is [`Reading`]'s), and [`input.rs`](input)'s `finish` makes the fields into the
//! document (an [`Input`]: a patch, a create input) or its error. So a new format is one new
//! file: an entry point bounded by [`Input`] that hands its keys and values to the visitor as
//! a `MapAccess` (as `form.rs` does), and, if one of its values can be read on its own, says
//! how with an [`OnItsOwn`] (as `json.rs` does).

mod collector;
mod field;
mod fields;
#[cfg(feature = "form")]
mod form;
mod input;
mod json;
mod object;
mod reading;
mod stream;
#[cfg(feature = "json-patch")]
mod values;
mod watch;

use super::Path;

pub use collector::{Collector, Key};
pub use field::{
    field, would_erase, Clears, DeserializeWith, Guarded, Nested, Null, ReadValue, Refused, Serde,
    With,
};
pub use fields::{Fields, Pair, Source};
pub use input::Input;
pub use reading::Reading;
pub use stream::deserialize;

#[cfg(feature = "form")]
pub(crate) use form::from_form_body;
pub(crate) use json::from_json_str;
#[cfg(feature = "json-patch")]
pub(crate) use values::FieldReader;
