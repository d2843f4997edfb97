//! Bad documents are refused as a whole, with every offending key listed.

use safe_update::{from_json, SafeUpdate};

// Local: the messages and key lists asserted here follow this model's four fields.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
struct User {
    #[update(server_only)]
    id: u64,
    #[update(allow)]
    name: String,
    #[update(allow)]
    age: u8,
    #[update(server_only)]
    is_admin: bool,
}

#[test]
fn every_forbidden_and_unknown_key_is_listed() {
    let body = br#"{"is_admin":true,"name":"x","id":2,"role":"root","nested":{"is_admin":true}}"#;
    let error = from_json::<UserPatch>(body).unwrap_err();
    assert_eq!(error.forbidden(), ["is_admin", "id"]);
    assert_eq!(error.unknown(), ["role", "nested"]);
    assert_eq!(error.code(), "forbidden_fields");
    let body = serde_json::to_value(&error).unwrap();
    assert_eq!(body["error"], "forbidden_fields");
    assert_eq!(body["forbidden"], serde_json::json!(["is_admin", "id"]));
    assert_eq!(body["unknown"], serde_json::json!(["role", "nested"]));
    assert_eq!(body["invalid"], serde_json::json!({}));
}

#[test]
fn serde_json_gets_one_clear_message() {
    let message = serde_json::from_str::<UserPatch>(r#"{"is_admin":true,"x":1}"#)
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("forbidden (server-only) fields: `is_admin`"),
        "{message}"
    );
    assert!(message.contains("unknown fields: `x`"), "{message}");
}

#[test]
fn a_repeated_key_is_rejected_not_resolved() {
    // serde_json::Value keeps the last of two duplicates; a patch refuses both.
    let error = from_json::<UserPatch>(br#"{"name":"a","name":"b"}"#).unwrap_err();
    assert_eq!(error.duplicate(), ["name"]);
    assert_eq!(error.code(), "duplicate_fields");
    assert!(serde_json::from_str::<UserPatch>(r#"{"age":1,"age":2}"#).is_err());
}

#[test]
fn an_array_body_is_rejected() {
    // serde's own derive accepts `[1,"Eve",true]` for a struct, positionally.
    for body in [&br#"[1,"Eve",true]"#[..], br#"["Eve"]"#, b"[]"] {
        let error = from_json::<UserPatch>(body).unwrap_err();
        assert_eq!(error.code(), "invalid_fields");
        assert!(
            error.invalid()[""].contains("expected a JSON object"),
            "{error}"
        );
        assert!(serde_json::from_slice::<UserPatch>(body).is_err());
    }
}

#[test]
fn non_object_documents_are_rejected() {
    for body in [&b"null"[..], b"\"bar\"", b"42", b"true"] {
        let error = from_json::<UserPatch>(body).unwrap_err();
        assert!(error.invalid().contains_key(""), "{error}");
    }
}

#[test]
fn malformed_json_is_a_syntax_error() {
    for body in [
        &b"{"[..],
        b"{\"name\":}",
        b"",
        b"{} {}",
        b"{\"name\":\"a\"} x",
        b"\xff",
    ] {
        let error = from_json::<UserPatch>(body).unwrap_err();
        assert_eq!(error.code(), "malformed_json", "{body:?}: {error}");
        assert!(error.malformed().is_some());
    }
}

#[test]
fn a_body_that_is_not_utf8_is_malformed_wherever_the_bad_byte_is() {
    for body in [
        &b"{\"name\":\"\xff\"}"[..],
        b"{\"is_admin\":true,\"name\":\"ok\xc3\"}",
        b"{\"na\xe9me\":\"x\"}",
        b"{\"name\":\"x\"}\xa0",
        b"{\"name\":\"\xed\xa0\x80\"}", // an encoded surrogate is not UTF-8
    ] {
        let error = from_json::<UserPatch>(body).unwrap_err();
        assert_eq!(error.code(), "malformed_json", "{body:?}: {error}");
        assert!(
            error.malformed().unwrap().contains("not UTF-8"),
            "{body:?}: {error}"
        );
    }
}

#[test]
fn text_outside_ascii_is_read_as_serde_json_reads_it() {
    let body = "{\"name\":\"Zoë \\u00e9\\ud83d\\ude00 😀\"}";
    let patch: UserPatch = from_json(body.as_bytes()).unwrap();
    assert_eq!(patch.name.as_deref(), Some("Zoë é😀 😀"));
    // A lone surrogate escape is not a character.
    let error = from_json::<UserPatch>(br#"{"name":"\ud800"}"#).unwrap_err();
    assert_eq!(error.code(), "malformed_json", "{error}");
}

#[test]
fn a_wrong_type_names_the_field() {
    let error = from_json::<UserPatch>(br#"{"name":"x","age":"old"}"#).unwrap_err();
    assert_eq!(error.code(), "invalid_fields");
    assert!(error.invalid()["age"].contains("invalid type"), "{error}");
    let error = from_json::<UserPatch>(br#"{"age":300}"#).unwrap_err();
    assert!(error.invalid().contains_key("age"), "{error}");
}

#[test]
fn a_type_error_hides_no_forbidden_key_before_or_after_it() {
    // Both orders: an attacker who puts a type error first must not hide `is_admin` (or the
    // attempt on it from the security log).
    for body in [
        &br#"{"is_admin":true,"age":"x"}"#[..],
        &br#"{"age":"x","is_admin":true}"#[..],
    ] {
        let error = from_json::<UserPatch>(body).unwrap_err();
        assert_eq!(error.forbidden(), ["is_admin"], "{error}");
        assert_eq!(
            error.invalid().keys().collect::<Vec<_>>(),
            ["age"],
            "{error}"
        );
        assert_eq!(error.code(), "forbidden_fields");
    }
}

#[test]
fn every_problem_after_a_type_error_is_listed() {
    let body = br#"{"age":"x","id":1,"name":5,"role":"root","name":"y","age":2,"is_admin":true}"#;
    let error = from_json::<UserPatch>(body).unwrap_err();
    assert_eq!(error.forbidden(), ["id", "is_admin"]);
    assert_eq!(error.unknown(), ["role"]);
    // A key whose first value was refused is still a repeated key the second time.
    assert_eq!(error.duplicate(), ["name", "age"]);
    // Every value of the wrong type, not only the first.
    assert_eq!(error.invalid().keys().collect::<Vec<_>>(), ["age", "name"]);
    assert!(
        error.invalid()["name"].contains("invalid type: integer `5`"),
        "{error}"
    );
}

#[test]
fn a_syntax_error_after_a_type_error_is_still_malformed() {
    let error = from_json::<UserPatch>(br#"{"age":"x","is_admin":true,"#).unwrap_err();
    assert_eq!(error.code(), "malformed_json", "{error}");
}

#[test]
fn an_empty_object_is_an_empty_patch() {
    let patch: UserPatch = from_json(b"{}").unwrap();
    assert!(patch.is_empty());
    assert_eq!(patch, UserPatch::default());
    let mut user = User {
        id: 1,
        name: "a".into(),
        age: 3,
        is_admin: false,
    };
    let before = user.clone();
    let applied = patch.apply(&mut user).unwrap();
    assert_eq!(user, before);
    assert_eq!(applied.written().count(), 0);
}

#[test]
fn escaped_keys_are_matched_after_unescaping() {
    let error = from_json::<UserPatch>(br#"{"is\u005fadmin":true}"#).unwrap_err();
    assert_eq!(error.forbidden(), ["is_admin"]);
    let patch: UserPatch = from_json(br#"{"n\u0061me":"x"}"#).unwrap();
    assert_eq!(patch.name.as_deref(), Some("x"));
}
