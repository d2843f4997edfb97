//! `Option<T>` fields are tri-state as in JSON Merge Patch: absent, `null`, value.

use safe_update::{from_json, SafeUpdate};

#[derive(Debug, SafeUpdate)]
struct Profile {
    #[update(allow)]
    name: String,
    #[update(allow)]
    bio: Option<String>,
}

fn profile() -> Profile {
    Profile {
        name: "Eve".into(),
        bio: Some("old".into()),
    }
}

#[test]
fn absent_leaves_the_field_alone() {
    let mut target = profile();
    let patch: ProfilePatch = from_json(br#"{"name":"Ann"}"#).unwrap();
    assert_eq!(patch.bio, None);
    patch.apply(&mut target).unwrap();
    assert_eq!(target.bio.as_deref(), Some("old"));
}

#[test]
fn null_clears_an_optional_field() {
    let mut target = profile();
    let patch: ProfilePatch = from_json(br#"{"bio":null}"#).unwrap();
    assert_eq!(patch.bio, Some(None));
    let applied = patch.apply(&mut target).unwrap();
    assert_eq!(target.bio, None);
    assert!(applied.is_changed("bio"));
}

#[test]
fn a_value_sets_an_optional_field() {
    let mut target = profile();
    let patch: ProfilePatch = from_json(br#"{"bio":"new"}"#).unwrap();
    patch.apply(&mut target).unwrap();
    assert_eq!(target.bio.as_deref(), Some("new"));
}

#[test]
fn null_for_a_required_field_is_an_error_naming_it() {
    let error = from_json::<ProfilePatch>(br#"{"name":null,"bio":null}"#).unwrap_err();
    assert_eq!(error.code(), "invalid_fields");
    assert_eq!(error.invalid().len(), 1);
    assert!(error.invalid()["name"].contains("null"), "{error}");
    let message = serde_json::from_str::<ProfilePatch>(r#"{"name":null}"#)
        .unwrap_err()
        .to_string();
    assert!(message.contains("`name`"), "{message}");
}
