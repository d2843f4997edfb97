//! A patch serializes its present fields only, so a Rust client can send one and the server
//! reads back the same patch.

use safe_update::{from_json, SafeUpdate};

#[derive(SafeUpdate)]
#[serde(rename_all = "camelCase")]
struct Profile {
    #[update(server_only)]
    user_id: u64,
    #[update(allow)]
    display_name: String,
    #[update(allow)]
    bio: Option<String>,
    #[update(allow)]
    tags: Vec<String>,
}

#[test]
fn only_present_fields_are_written() {
    let patch = ProfilePatch {
        display_name: Some("Eve".into()),
        bio: Some(None),
        ..Default::default()
    };
    let json = serde_json::to_string(&patch).unwrap();
    assert_eq!(json, r#"{"displayName":"Eve","bio":null}"#);
    assert_eq!(
        serde_json::to_string(&ProfilePatch::default()).unwrap(),
        "{}"
    );
}

#[test]
fn round_trip() {
    let patch = ProfilePatch {
        display_name: Some("Eve".into()),
        bio: Some(Some("hi".into())),
        tags: Some(vec!["a".into(), "b".into()]),
    };
    let json = serde_json::to_vec(&patch).unwrap();
    let back: ProfilePatch = from_json(&json).unwrap();
    assert_eq!(back, patch);
    let back: ProfilePatch = serde_json::from_slice(&json).unwrap();
    assert_eq!(back, patch);
}

#[test]
fn debug_shows_present_fields_only() {
    let patch = ProfilePatch {
        bio: Some(None),
        ..Default::default()
    };
    assert_eq!(format!("{patch:?}"), "ProfilePatch { bio: None }");
    let _ = Profile {
        user_id: 1,
        display_name: String::new(),
        bio: None,
        tags: Vec::new(),
    }
    .user_id;
}
