//! A new password: which ones are accepted (by the CLI and by `PUT /profile/password`), and
//! the body of that route.
//!
//! The password is not a field of the user's profile (`password_hash` is server-only): a
//! client changes it on a route of its own, authenticated with the current one, and the
//! document it sends holds the new password and nothing else.

use safe_update::auth::{Credentials, CredentialsError};
use safe_update::SafeUpdate;

/// The body of `PUT /profile/password`: `{"password": "..."}`. Read as a patch, so it gets
/// the library's refusals (any other key, a repeated one, a wrong type) and its `Debug` never
/// shows the value.
#[derive(SafeUpdate)]
pub struct NewPassword {
    /// The new password: 8 to 256 characters, no control character.
    #[update(
        allow,
        redact,
        schema(min_length = 8, max_length = 256, pattern = PATTERN)
    )]
    pub password: String,
}

/// What [`check`] accepts as a JSON Schema pattern, with `minLength` 8 and `maxLength` 256:
/// no control character (U+0000-U+001F, U+007F-U+009F). Used by every schema that carries a
/// new password.
pub const PATTERN: &str = r"^[^\x00-\x1F\x7F-\x9F]*$";

/// Shortest password accepted, in characters.
pub const MIN_CHARS: usize = 8;

/// Longest password accepted, in characters: four bytes each at most, it fits a Basic Auth
/// header with any user name, so this is the only upper limit (one a schema can state).
pub const MAX_CHARS: usize = 256;

/// Whether `password` is one `username` could log in with: long enough, and sendable in
/// Basic Auth (no control character, short enough for a header).
pub fn check(username: &str, password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(format!(
            "the password needs at least {MIN_CHARS} characters"
        ));
    }
    if chars > MAX_CHARS {
        return Err(format!("the password has more than {MAX_CHARS} characters"));
    }
    match Credentials::new(username, password) {
        Ok(_) => Ok(()),
        Err(CredentialsError::ControlCharacter) => Err(
            "the password contains a control character, which Basic Auth cannot carry: nobody could log in with it"
                .to_owned(),
        ),
        Err(CredentialsError::TooLong) => Err(format!(
            "the password is too long to fit an Authorization header ({} bytes of Base64 at most)",
            Credentials::MAX_TOKEN_LEN
        )),
        Err(error) => Err(format!("no client could log in with this password: {error}")),
    }
}
