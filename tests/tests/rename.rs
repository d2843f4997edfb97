//! Wire names follow the model's serde attributes; no spelling of a server-only field is
//! writable.

use safe_update::{from_json, Patch, SafeUpdate};

#[derive(Debug, PartialEq, SafeUpdate)]
#[serde(rename_all = "camelCase")]
struct User {
    #[update(server_only)]
    id: u64,
    #[update(allow)]
    display_name: String,
    #[update(allow)]
    #[serde(rename = "about", alias = "biography")]
    bio: Option<String>,
    #[update(server_only)]
    #[serde(alias = "admin")]
    is_admin: bool,
}

fn user() -> User {
    User {
        id: 7,
        display_name: "Eve".into(),
        bio: None,
        is_admin: false,
    }
}

#[test]
fn rename_all_and_rename_decide_the_keys() {
    assert_eq!(UserPatch::WRITABLE, ["displayName", "about"]);
    assert_eq!(UserPatch::SERVER_ONLY, ["id", "isAdmin"]);
    let mut target = user();
    let patch: UserPatch = from_json(br#"{"displayName":"Mallory","about":"hi"}"#).unwrap();
    patch.apply(&mut target).unwrap();
    assert_eq!(target.display_name, "Mallory");
    assert_eq!(target.bio.as_deref(), Some("hi"));
}

#[test]
fn the_rust_name_of_a_renamed_writable_field_is_unknown() {
    let error = from_json::<UserPatch>(br#"{"display_name":"x","bio":"y"}"#).unwrap_err();
    assert_eq!(error.unknown(), ["display_name", "bio"]);
    assert!(error.forbidden().is_empty());
}

#[test]
fn an_alias_of_a_writable_field_is_honoured() {
    let patch: UserPatch = from_json(br#"{"biography":"alias"}"#).unwrap();
    assert_eq!(patch.bio, Some(Some("alias".to_owned())));
}

#[test]
fn every_spelling_of_a_server_only_field_is_forbidden() {
    for spelling in ["isAdmin", "is_admin", "admin"] {
        let body = format!(r#"{{"{spelling}":true}}"#);
        let error = from_json::<UserPatch>(body.as_bytes()).unwrap_err();
        assert_eq!(error.forbidden(), [spelling], "{spelling}");
        assert_eq!(error.code(), "forbidden_fields");
    }
}

#[derive(SafeUpdate)]
#[serde(rename_all(serialize = "UPPERCASE", deserialize = "kebab-case"))]
struct Split {
    #[update(allow)]
    first_name: String,
    #[update(allow)]
    #[serde(rename(serialize = "X", deserialize = "last"))]
    last_name: String,
}

#[test]
fn split_renames_use_the_deserialize_half() {
    assert_eq!(SplitPatch::WRITABLE, ["first-name", "last"]);
    let patch: SplitPatch = from_json(br#"{"first-name":"a","last":"b"}"#).unwrap();
    assert_eq!(patch.first_name.as_deref(), Some("a"));
    assert_eq!(patch.last_name.as_deref(), Some("b"));
}

#[derive(SafeUpdate)]
#[serde(rename_all = "SCREAMING-KEBAB-CASE")]
struct Screaming {
    #[update(allow)]
    r#type: u8,
    #[update(allow)]
    max_len: u8,
}

#[test]
fn raw_identifiers_and_every_case_rule() {
    assert_eq!(ScreamingPatch::WRITABLE, ["TYPE", "MAX-LEN"]);
}
