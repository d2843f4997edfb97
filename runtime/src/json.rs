//! The entry point a web layer calls: JSON bytes in, a patch or a structured error out.

use crate::{Document, PatchError};

/// Parses a JSON document into a patch or a create input ([`Document`]); its problems as
/// data rather than a string.
///
/// Only a JSON object is accepted. Every key naming a server-only field (by any of its serde
/// spellings) is listed as forbidden, every other unknown key as unknown, every repeated key
/// as duplicate; every wrong type or `null` for a non-optional field is listed as invalid with
/// its reason. A value of the wrong type hides nothing after it: a refused document is read
/// a second time, each value on its own (only a refused document pays for that). Trailing characters after the object are a syntax error, and so is a body that is
/// not UTF-8 (RFC 8259, section 8.1).
///
/// ```
/// use safe_update::SafeUpdate;
///
/// #[derive(SafeUpdate)]
/// struct User {
///     #[update(server_only)] id: u64,
///     #[update(allow)] name: String,
///     #[update(server_only)] is_admin: bool,
/// }
///
/// let error = safe_update::from_json::<UserPatch>(br#"{"name":"Eve","is_admin":true,"id":1,"x":0}"#)
///     .unwrap_err();
/// assert_eq!(error.forbidden(), ["is_admin", "id"]);
/// assert_eq!(error.unknown(), ["x"]);
/// assert_eq!(error.code(), "forbidden_fields");
/// ```
pub fn from_json<D: Document>(body: &[u8]) -> Result<D, PatchError> {
    // JSON is UTF-8 (RFC 8259, section 8.1). Reading bytes, serde_json checks each string on
    // its own, tens of instructions per key and per value; one check of the whole body costs
    // a fraction of that, and lets serde_json read it as text without checking again.
    match core::str::from_utf8(body) {
        Ok(text) => crate::__private::from_json_str(text),
        Err(error) => Err(not_utf8(&error)),
    }
}

#[cold]
#[inline(never)]
fn not_utf8(error: &core::str::Utf8Error) -> PatchError {
    PatchError(Box::new(crate::error::Problems {
        malformed: Some(format!("the body is not UTF-8: {error}")),
        ..Default::default()
    }))
}
