//! The `WWW-Authenticate` challenge that answers a 401 (RFC 7617, section 2).

/// `Basic realm="<realm>", charset="UTF-8"`, with `"` and `\` escaped inside the quoted realm.
pub(crate) fn basic_challenge(realm: &str) -> String {
    let mut challenge = String::with_capacity(realm.len() + 40);
    challenge.push_str("Basic realm=\"");
    for c in realm.chars() {
        if c == '"' || c == '\\' {
            challenge.push('\\');
        }
        challenge.push(c);
    }
    challenge.push_str("\", charset=\"UTF-8\"");
    challenge
}

/// Whether `realm` can be sent in a header: a quoted-string has no control characters.
pub(crate) fn is_valid_realm(realm: &str) -> bool {
    !realm.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_backslashes_are_escaped() {
        assert_eq!(
            basic_challenge(r#"a "b" \c"#),
            r#"Basic realm="a \"b\" \\c", charset="UTF-8""#
        );
    }

    #[test]
    fn control_characters_are_not_a_realm() {
        assert!(is_valid_realm("Staff area é"));
        assert!(!is_valid_realm("a\r\nSet-Cookie: x"));
    }
}
