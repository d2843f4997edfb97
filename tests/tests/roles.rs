//! Role-gated fields: in the patch, written only when the sender holds one of the roles.

use safe_update::{from_json, Patch, Roles, SafeUpdate};
use safe_update_tests::fixtures::refusals::denied;

#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[serde(rename_all = "camelCase")]
struct Account {
    #[update(server_only)]
    id: u64,
    #[update(allow)]
    display_name: String,
    #[update(allow(role = "admin"))]
    is_admin: bool,
    #[update(allow(role = "admin", role = "support"))]
    credit: u32,
}

fn account() -> Account {
    Account {
        id: 1,
        display_name: "Eve".into(),
        is_admin: false,
        credit: 0,
    }
}

struct Who(&'static [&'static str]);

impl Roles for Who {
    fn has_role(&self, role: &str) -> bool {
        self.0.contains(&role)
    }
}

#[test]
fn gated_fields_are_listed() {
    assert_eq!(AccountPatch::WRITABLE, ["displayName", "isAdmin", "credit"]);
    assert_eq!(
        AccountPatch::GATED,
        [
            ("isAdmin", &["admin"][..]),
            ("credit", &["admin", "support"][..])
        ]
    );
}

#[test]
fn without_the_role_nothing_is_written_and_every_gated_field_is_named() {
    let mut target = account();
    let patch: AccountPatch =
        from_json(br#"{"displayName":"Mallory","isAdmin":true,"credit":100}"#).unwrap();
    let error = patch.apply_as(&mut target, &Who(&["user"])).unwrap_err();
    assert_eq!(target, account());
    assert_eq!(error.code(), "role_required");
    assert_eq!(
        denied(&error),
        [
            ("isAdmin", &["admin"][..]),
            ("credit", &["admin", "support"][..])
        ]
    );
    assert!(error.invalid().is_empty(), "{error}");
    let body = serde_json::to_value(&error).unwrap();
    assert_eq!(body["error"], "role_required");
    assert_eq!(
        body["denied"],
        serde_json::json!([
            {"field": "isAdmin", "roles": ["admin"]},
            {"field": "credit", "roles": ["admin", "support"]},
        ])
    );
    assert_eq!(body["invalid"], serde_json::json!({}));
}

#[test]
fn any_one_of_the_roles_allows_the_write() {
    let mut target = account();
    let patch: AccountPatch = from_json(br#"{"credit":5}"#).unwrap();
    patch.apply_as(&mut target, &Who(&["support"])).unwrap();
    assert_eq!(target.credit, 5);

    let patch: AccountPatch = from_json(br#"{"isAdmin":true}"#).unwrap();
    let error = patch
        .clone()
        .apply_as(&mut target, &Who(&["support"]))
        .unwrap_err();
    assert_eq!(error.code(), "role_required");
    assert_eq!(denied(&error), [("isAdmin", &["admin"][..])]);
    assert!(error.invalid().is_empty(), "{error}");
    assert!(!target.is_admin);
    patch.apply_as(&mut target, &Who(&["admin"])).unwrap();
    assert!(target.is_admin);
}

#[test]
fn a_patch_without_gated_fields_present_needs_no_role() {
    let mut target = account();
    let patch: AccountPatch = from_json(br#"{"displayName":"Ann"}"#).unwrap();
    patch.apply_as(&mut target, &safe_update::NoRoles).unwrap();
    assert_eq!(target.display_name, "Ann");
}

#[test]
fn roles_are_exact() {
    let mut target = account();
    let patch: AccountPatch = from_json(br#"{"isAdmin":true}"#).unwrap();
    let roles = vec!["Admin".to_owned(), "admin ".to_owned()];
    let error = patch.apply_as(&mut target, &roles).unwrap_err();
    assert_eq!(error.code(), "role_required");
    assert_eq!(denied(&error), [("isAdmin", &["admin"][..])]);
    assert!(error.invalid().is_empty(), "{error}");
    assert!(!target.is_admin);
}

/// A gated field sent with the value it already holds is a write all the same: refused
/// without the role. Refusing only a change would answer a sender without the role what is
/// stored (send `false`: accepted means the account is not an admin), so the answer depends
/// on the document and the sender only.
#[test]
fn resending_the_stored_value_is_a_write_too() {
    let mut target = account();
    assert!(!target.is_admin);
    for document in [r#"{"isAdmin":false}"#, r#"{"isAdmin":true}"#] {
        // Both ways in: `from_json` and the patch's serde `Deserialize`.
        let read: AccountPatch = from_json(document.as_bytes()).unwrap();
        let deserialized: AccountPatch = serde_json::from_str(document).unwrap();
        for patch in [read, deserialized] {
            let error = patch.apply_as(&mut target, &Who(&["user"])).unwrap_err();
            assert_eq!(error.code(), "role_required");
            assert_eq!(denied(&error), [("isAdmin", &["admin"][..])]);
            assert_eq!(target, account());
        }
    }
    // With the role, the same value is accepted and reported as no change.
    let patch: AccountPatch = from_json(br#"{"isAdmin":false}"#).unwrap();
    let applied = patch.apply_as(&mut target, &Who(&["admin"])).unwrap();
    assert!(!applied.has_changes());
}
