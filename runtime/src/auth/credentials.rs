//! RFC 7617 credentials: reading and writing an `Authorization: Basic ...` header value.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use zeroize::Zeroizing;

use super::Password;

/// A user-id and password from an `Authorization: Basic` header (RFC 7617).
///
/// ```
/// use safe_update::auth::Credentials;
///
/// let credentials = Credentials::parse("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==").unwrap();
/// assert_eq!(credentials.user_id(), "Aladdin");
/// assert_eq!(credentials.password().expose(), "open sesame");
/// // The password never shows in logs.
/// assert_eq!(
///     format!("{credentials:?}"),
///     r#"Credentials { user_id: "Aladdin", password: Password([redacted]) }"#,
/// );
/// ```
pub struct Credentials {
    user_id: String,
    password: Password,
}

impl Credentials {
    /// The longest base64 token accepted (4096 characters, a 3072-byte `user:password`), so
    /// that a huge header costs nothing to refuse.
    pub const MAX_TOKEN_LEN: usize = 4096;

    /// Credentials from their parts, checked as a parsed header would be: a non-empty user-id
    /// without `:`, no control characters, an encoding within [`Self::MAX_TOKEN_LEN`].
    ///
    /// ```
    /// use safe_update::auth::{Credentials, CredentialsError};
    ///
    /// let credentials = Credentials::new("test", "123£").unwrap();
    /// assert_eq!(credentials.to_header_value().as_str(), "Basic dGVzdDoxMjPCow==");
    /// assert_eq!(Credentials::new("a:b", "x").unwrap_err(), CredentialsError::ColonInUserId);
    /// ```
    pub fn new(
        user_id: impl Into<String>,
        password: impl Into<Password>,
    ) -> Result<Self, CredentialsError> {
        let (user_id, password) = (user_id.into(), password.into());
        if user_id.contains(':') {
            return Err(CredentialsError::ColonInUserId);
        }
        check_parts(&user_id, password.expose())?;
        // Bytes of the encoding: 4 characters per started group of 3 bytes.
        let plain_len = user_id.len().saturating_add(1 + password.expose().len());
        if plain_len.div_ceil(3).saturating_mul(4) > Self::MAX_TOKEN_LEN {
            return Err(CredentialsError::TooLong);
        }
        Ok(Credentials { user_id, password })
    }

    /// Parses an `Authorization` header value such as `Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==`.
    ///
    /// The scheme is matched case-insensitively and followed by one or more spaces; the token
    /// is standard base64 with canonical padding; the decoded text is UTF-8 and is split at
    /// its first `:` (the password may contain `:`, the user-id may not). `user:` has the
    /// empty password; a missing `:` is an error. Control characters (C0, DEL, C1) are
    /// refused in both parts.
    ///
    /// ```
    /// use safe_update::auth::{Credentials, CredentialsError};
    ///
    /// let empty = Credentials::parse("basic dXNlcjo=").unwrap(); // "user:"
    /// assert!(empty.password().is_empty());
    /// assert_eq!(Credentials::parse("Basic dXNlcg==").unwrap_err(), CredentialsError::MissingColon);
    /// assert_eq!(Credentials::parse("Bearer abc").unwrap_err(), CredentialsError::NotBasic);
    /// ```
    pub fn parse(header_value: &str) -> Result<Self, CredentialsError> {
        Self::from_header_bytes(header_value.as_bytes())
    }

    /// [`parse`](Self::parse) for the raw bytes of a header value, which HTTP does not
    /// promise to be UTF-8.
    pub fn from_header_bytes(header_value: &[u8]) -> Result<Self, CredentialsError> {
        // Optional whitespace around a field value is not part of it (RFC 9110, 5.5).
        let value = header_value.trim_ascii();
        let (scheme, rest) = match value.iter().position(|&b| b == b' ') {
            Some(space) => (&value[..space], &value[space..]),
            None => (value, &[][..]),
        };
        if !scheme.eq_ignore_ascii_case(b"Basic") {
            return Err(CredentialsError::NotBasic);
        }
        let token = trim_leading_spaces(rest);
        if token.is_empty() {
            return Err(CredentialsError::MissingToken);
        }
        if token.len() > Self::MAX_TOKEN_LEN {
            return Err(CredentialsError::TooLong);
        }
        // Sized up front so decoding never reallocates and leaves an unwiped copy behind.
        let mut decoded = Zeroizing::new(vec![0u8; base64::decoded_len_estimate(token.len())]);
        let len = STANDARD
            .decode_slice(token, &mut decoded[..])
            .map_err(|_| CredentialsError::InvalidBase64)?;
        let text = std::str::from_utf8(&decoded[..len]).map_err(|_| CredentialsError::NotUtf8)?;
        let (user_id, password) = text.split_once(':').ok_or(CredentialsError::MissingColon)?;
        check_parts(user_id, password)?;
        Ok(Credentials {
            user_id: user_id.to_owned(),
            password: Password::new(password),
        })
    }

    /// The user-id: who the client claims to be, not yet verified.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The password.
    pub fn password(&self) -> &Password {
        &self.password
    }

    /// The `Authorization` header value for these credentials (`Basic <base64>`), for
    /// clients and tests. It carries the password, so it is wiped on drop too.
    pub fn to_header_value(&self) -> Zeroizing<String> {
        let plain = Zeroizing::new(format!("{}:{}", self.user_id, self.password.expose()));
        let mut value = Zeroizing::new(String::with_capacity(
            6 + base64::encoded_len(plain.len(), true).unwrap_or(0),
        ));
        value.push_str("Basic ");
        STANDARD.encode_string(plain.as_bytes(), &mut value);
        value
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("user_id", &self.user_id)
            .field("password", &self.password)
            .finish()
    }
}

/// Why an `Authorization` header value is not usable Basic credentials.
///
/// ```
/// use safe_update::auth::{Credentials, CredentialsError};
///
/// // "dXNlcjp=" decodes like "dXNlcjo=" but has non-zero trailing bits: not canonical.
/// assert_eq!(Credentials::parse("Basic dXNlcjp=").unwrap_err(), CredentialsError::InvalidBase64);
/// assert_eq!(Credentials::parse("Basic").unwrap_err(), CredentialsError::MissingToken);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialsError {
    /// The scheme is not `Basic` (or the value is empty).
    NotBasic,
    /// `Basic` with no token after it.
    MissingToken,
    /// The token is longer than [`Credentials::MAX_TOKEN_LEN`].
    TooLong,
    /// The token is not canonical standard base64 (alphabet, padding or trailing bits).
    InvalidBase64,
    /// The decoded credentials are not UTF-8.
    NotUtf8,
    /// The decoded credentials have no `:` between user-id and password.
    MissingColon,
    /// The user-id is empty.
    EmptyUserId,
    /// A user-id given to [`Credentials::new`] contains `:`.
    ColonInUserId,
    /// The user-id or password contains a control character.
    ControlCharacter,
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CredentialsError::NotBasic => "the authorization scheme is not Basic",
            CredentialsError::MissingToken => "Basic credentials are missing their token",
            CredentialsError::TooLong => "Basic credentials are too long",
            CredentialsError::InvalidBase64 => "Basic credentials are not valid base64",
            CredentialsError::NotUtf8 => "Basic credentials are not UTF-8",
            CredentialsError::MissingColon => "Basic credentials have no `:` after the user-id",
            CredentialsError::EmptyUserId => "the user-id is empty",
            CredentialsError::ColonInUserId => "a user-id cannot contain `:`",
            CredentialsError::ControlCharacter => "credentials cannot contain control characters",
        })
    }
}

impl std::error::Error for CredentialsError {}

fn check_parts(user_id: &str, password: &str) -> Result<(), CredentialsError> {
    if user_id.is_empty() {
        return Err(CredentialsError::EmptyUserId);
    }
    // RFC 7617 forbids CTL; C1 controls are refused too, as PRECIS (RFC 8265) does.
    if user_id
        .chars()
        .chain(password.chars())
        .any(char::is_control)
    {
        return Err(CredentialsError::ControlCharacter);
    }
    Ok(())
}

fn trim_leading_spaces(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != b' ').unwrap_or(bytes.len());
    &bytes[start..]
}
