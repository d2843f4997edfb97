use safe_update::{Patch, SafeUpdate};

#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[serde(rename_all = "camelCase")]
pub struct User {
    #[update(server_only)]
    pub id: u64,
    #[update(allow)]
    pub display_name: String,
    #[update(allow)]
    pub bio: Option<String>,
    #[update(server_only)]
    pub is_admin: bool,
}

#[test]
fn smoke() {
    let mut user = User { id: 1, display_name: "a".into(), bio: None, is_admin: false };
    let patch: UserPatch = safe_update::from_json(br#"{"displayName":"b","bio":null}"#).unwrap();
    let applied = patch.apply(&mut user).unwrap();
    assert_eq!(user.display_name, "b");
    println!("{applied:?} {:?}", UserPatch::WRITABLE);
    let err = safe_update::from_json::<UserPatch>(br#"{"isAdmin":true,"is_admin":1,"x":2,"bio":1}"#).unwrap_err();
    println!("{err}");
}
