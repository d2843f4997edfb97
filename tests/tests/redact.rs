//! `#[update(allow, redact)]`: the patch's `Debug` shows that the field is written, never its
//! value, so a patch logged with `{:?}` leaks no secret.

use safe_update::{from_json, SafeUpdate};

#[derive(SafeUpdate)]
struct Account {
    #[update(allow)]
    name: String,
    #[update(allow, redact)]
    recovery_code: String,
    #[update(allow, redact)]
    api_token: Option<String>,
    #[update(server_only)]
    id: u64,
}

#[test]
fn a_redacted_value_is_never_shown() {
    let patch: AccountPatch =
        from_json(br#"{"name":"Eve","recovery_code":"hunter2-code","api_token":null}"#).unwrap();
    assert_eq!(
        format!("{patch:?}"),
        r#"AccountPatch { name: "Eve", recovery_code: [redacted], api_token: [redacted] }"#
    );
    // Absent fields are not shown at all, redacted or not.
    let patch: AccountPatch = from_json(br#"{"name":"Eve"}"#).unwrap();
    assert_eq!(format!("{patch:?}"), r#"AccountPatch { name: "Eve" }"#);
    // The value is still there for the code that applies it.
    let patch: AccountPatch = from_json(br#"{"recovery_code":"x"}"#).unwrap();
    let mut account = Account {
        name: "Eve".into(),
        recovery_code: String::new(),
        api_token: None,
        id: 1,
    };
    patch.apply(&mut account).unwrap();
    assert_eq!((account.recovery_code.as_str(), account.id), ("x", 1));
}
