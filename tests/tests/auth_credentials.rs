//! RFC 7617 credentials: the RFC's vectors, the empty password, and every malformed input
//! refused with its own error.

use safe_update::auth::{Credentials, CredentialsError, Password};

#[test]
fn rfc_7617_vectors() {
    let aladdin = Credentials::parse("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==").unwrap();
    assert_eq!(aladdin.user_id(), "Aladdin");
    assert_eq!(aladdin.password().expose(), "open sesame");

    // Section 2.1: "test" / "123£" with the charset="UTF-8" encoding.
    let test = Credentials::parse("Basic dGVzdDoxMjPCow==").unwrap();
    assert_eq!(test.user_id(), "test");
    assert_eq!(test.password().expose(), "123£");
}

#[test]
fn the_scheme_is_case_insensitive_and_spaces_may_repeat() {
    for value in [
        "basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
        "BASIC QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
        "bAsIc    QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
        // Whitespace around a field value is not part of it.
        "  Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\t",
    ] {
        let credentials = Credentials::parse(value).unwrap();
        assert_eq!(credentials.user_id(), "Aladdin", "{value}");
    }
}

#[test]
fn an_empty_password_is_not_a_missing_one() {
    // "user:" -> empty password; "user" -> no colon at all.
    let empty = Credentials::parse("Basic dXNlcjo=").unwrap();
    assert_eq!(empty.user_id(), "user");
    assert!(empty.password().is_empty());
    assert_eq!(
        Credentials::parse("Basic dXNlcg==").unwrap_err(),
        CredentialsError::MissingColon
    );
}

#[test]
fn the_password_may_contain_colons_the_user_id_may_not() {
    // "user:pa:ss:" splits at the first colon.
    let credentials = Credentials::parse("Basic dXNlcjpwYTpzczo=").unwrap();
    assert_eq!(credentials.user_id(), "user");
    assert_eq!(credentials.password().expose(), "pa:ss:");
    assert_eq!(
        Credentials::new("us:er", "x").unwrap_err(),
        CredentialsError::ColonInUserId
    );
}

#[test]
fn malformed_inputs_are_typed_errors() {
    use CredentialsError::*;
    let long_token = "A".repeat(Credentials::MAX_TOKEN_LEN + 4);
    let long_value = format!("Basic {long_token}");
    let cases: &[(&[u8], CredentialsError)] = &[
        (b"", NotBasic),
        (b"   ", NotBasic),
        (b"Bearer QWxhZGRpbjpvcGVuIHNlc2FtZQ==", NotBasic),
        (b"Basicx QWxhZGRpbjpvcGVuIHNlc2FtZQ==", NotBasic),
        (b"Basic\tQWxhZGRpbjpvcGVuIHNlc2FtZQ==", NotBasic),
        (b"QWxhZGRpbjpvcGVuIHNlc2FtZQ==", NotBasic),
        (b"Basic", MissingToken),
        (b"Basic    ", MissingToken),
        (long_value.as_bytes(), TooLong),
        // Alphabet: URL-safe characters, a space inside, non-ASCII bytes.
        (b"Basic QWxh-GRpbjpvcGVuIHNlc2FtZQ==", InvalidBase64),
        (b"Basic QWxhZGRpbjpvcGVu IHNlc2FtZQ==", InvalidBase64),
        (b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ\xff=", InvalidBase64),
        // Padding: missing, excess, misplaced.
        (b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ", InvalidBase64),
        (b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ===", InvalidBase64),
        (b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZ=Q=", InvalidBase64),
        // Non-canonical trailing bits: "dXNlcjo=" is canonical, "dXNlcjp=" decodes the same.
        (b"Basic dXNlcjp=", InvalidBase64),
        // Decoded bytes that are not UTF-8: "user:\xff".
        (b"Basic dXNlcjr/", NotUtf8),
        // ":secret" (empty user-id).
        (b"Basic OnNlY3JldA==", EmptyUserId),
        // "us\ner:pw" and "user:p\x00w" and "user:p\x7fw" and a C1 control "user:p\u{85}".
        (b"Basic dXMKZXI6cHc=", ControlCharacter),
        (b"Basic dXNlcjpwAHc=", ControlCharacter),
        (b"Basic dXNlcjpwf3c=", ControlCharacter),
        (b"Basic dXNlcjpwwoU=", ControlCharacter),
    ];
    for (value, expected) in cases {
        let shown = String::from_utf8_lossy(value);
        let shown = &shown[..shown.len().min(60)];
        match Credentials::from_header_bytes(value) {
            Ok(credentials) => panic!("{shown:?} was accepted as {credentials:?}"),
            Err(error) => assert_eq!(error, *expected, "{shown:?}"),
        }
    }
}

#[test]
fn the_longest_token_is_accepted() {
    // 3072 bytes of "u:ppp..." encode to exactly MAX_TOKEN_LEN characters.
    let password = "p".repeat(3072 - 2);
    let credentials = Credentials::new("u", password.as_str()).unwrap();
    let header = credentials.to_header_value();
    assert_eq!(header.len(), "Basic ".len() + Credentials::MAX_TOKEN_LEN);
    let parsed = Credentials::parse(&header).unwrap();
    assert_eq!(parsed.password().expose(), password);
    let longer = Credentials::new("u", format!("{password}pq").as_str());
    assert_eq!(longer.unwrap_err(), CredentialsError::TooLong);
}

#[test]
fn new_credentials_are_checked_like_parsed_ones() {
    assert_eq!(
        Credentials::new("", "x").unwrap_err(),
        CredentialsError::EmptyUserId
    );
    assert_eq!(
        Credentials::new("eve", "a\rb").unwrap_err(),
        CredentialsError::ControlCharacter
    );
    let round_trip = Credentials::parse(
        &Credentials::new("zoë", "pa:ss wörd")
            .unwrap()
            .to_header_value(),
    )
    .unwrap();
    assert_eq!(
        (round_trip.user_id(), round_trip.password().expose()),
        ("zoë", "pa:ss wörd")
    );
}

#[test]
fn the_password_never_prints() {
    let credentials = Credentials::parse("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==").unwrap();
    let shown = format!(
        "{credentials:?} {:?} {}",
        credentials.password(),
        credentials.password()
    );
    assert!(!shown.contains("open sesame"), "{shown}");
    assert!(shown.contains("Aladdin"));
    let password = Password::from(String::from("hunter2"));
    assert_eq!(
        format!("{password} {password:?}"),
        "[redacted] Password([redacted])"
    );
}

#[test]
fn errors_have_messages() {
    let error = Credentials::parse("Basic !!!!").unwrap_err();
    assert_eq!(error, CredentialsError::InvalidBase64);
    assert_eq!(error.to_string(), "Basic credentials are not valid base64");
    let _: &dyn std::error::Error = &error;
}
