//! The success value says which fields were written and which changed value.

use safe_update::{from_json, SafeUpdate};

/// Not `PartialEq`: it lives in a server-only field, which is never compared.
#[derive(Debug, Default)]
struct Handle;

#[derive(Debug, SafeUpdate)]
struct Row {
    #[update(server_only)]
    handle: Handle,
    #[update(allow)]
    a: u8,
    #[update(allow)]
    b: String,
    #[update(allow)]
    c: Option<u8>,
}

#[test]
fn written_and_changed_in_declaration_order() {
    let mut row = Row {
        handle: Handle,
        a: 1,
        b: "x".into(),
        c: None,
    };
    let patch: RowPatch = from_json(br#"{"c":null,"b":"y","a":1}"#).unwrap();
    let applied = patch.apply(&mut row).unwrap();
    let written: Vec<String> = applied.written().map(|f| f.to_string()).collect();
    let changed: Vec<String> = applied.changed().map(|f| f.to_string()).collect();
    assert_eq!(written, ["a", "b", "c"]);
    assert_eq!(changed, ["b"]);
    assert!(applied.has_changes());
    assert!(applied.is_changed("b") && !applied.is_changed("a"));
    assert_eq!(applied.changed_top_level(), ["b"]);
    let _ = row.handle;
}

#[test]
fn writing_the_same_values_changes_nothing() {
    let mut row = Row {
        handle: Handle,
        a: 1,
        b: "x".into(),
        c: Some(2),
    };
    let patch: RowPatch = from_json(br#"{"a":1,"b":"x","c":2}"#).unwrap();
    let applied = patch.apply(&mut row).unwrap();
    assert_eq!(applied.written().count(), 3);
    assert!(!applied.has_changes());
}

#[test]
fn debug_shows_paths() {
    let mut row = Row {
        handle: Handle,
        a: 1,
        b: "x".into(),
        c: None,
    };
    let patch: RowPatch = from_json(br#"{"a":2,"b":"x"}"#).unwrap();
    let applied = patch.apply(&mut row).unwrap();
    assert_eq!(
        format!("{applied:?}"),
        r#"Applied { written: ["a", "b"], changed: ["a"] }"#
    );
}
