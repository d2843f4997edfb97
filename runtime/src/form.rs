//! The other entry point: `application/x-www-form-urlencoded` bytes in (an HTML form's body),
//! a patch or a structured error out, with the same refusals as [`from_json`](crate::from_json).

use crate::{Document, PatchError};

/// Parses a form body (`application/x-www-form-urlencoded`) into a patch or a create input
/// ([`Document`]); its problems as data.
///
/// The form of an HTML page binds to a model as easily as JSON does (`form.populate_obj(user)`
/// in the seed's Flask example), and is refused the same way: every key naming a server-only
/// field is listed as forbidden, every other unknown key as unknown, every repeated key as
/// duplicate, never dropped. Values are text, read as the field's type reads text (`true` and
/// `false` for a `bool`, digits for a number); every value of the wrong type is listed as
/// invalid, and one does not hide the next.
///
/// **An empty value means "no value"**: it clears an `Option` field (what `null` does in
/// JSON, and what a text input emptied by the user sends), and it is refused for any other
/// field, as `null` is. A form cannot write a nested model or a list: its values are text.
///
/// Names and values are decoded as the URL Standard says (`+` is a space, `%XX` a byte), and
/// must then be UTF-8: a value that is not is listed as invalid, a name that is not as unknown.
/// Nothing is stored with U+FFFD in place of what the client sent.
///
/// ```
/// use safe_update::SafeUpdate;
///
/// #[derive(SafeUpdate)]
/// struct User {
///     #[update(server_only)] id: u64,
///     #[update(allow)] name: String,
///     #[update(allow)] bio: Option<String>,
///     #[update(allow)] age: u8,
/// }
///
/// let patch: UserPatch = safe_update::from_form(b"name=Eve+Ng&bio=&age=42").unwrap();
/// assert_eq!(patch.name.as_deref(), Some("Eve Ng"));
/// assert_eq!(patch.bio, Some(None)); // cleared
/// assert_eq!(patch.age, Some(42));
///
/// let error = safe_update::from_form::<UserPatch>(b"age=old&id=1&name=a&name=b").unwrap_err();
/// assert_eq!(error.forbidden(), ["id"]);
/// assert_eq!(error.duplicate(), ["name"]);
/// assert!(error.invalid().contains_key("age"));
/// ```
pub fn from_form<D: Document>(body: &[u8]) -> Result<D, PatchError> {
    crate::__private::from_form_body(body)
}
