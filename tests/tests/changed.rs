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

/// More writable fields than `Applied` has bits: the rest are recorded one by one.
#[derive(SafeUpdate)]
struct Wide {
    #[update(allow)]
    f0: u8,
    #[update(allow)]
    f1: u8,
    #[update(allow)]
    f2: u8,
    #[update(allow)]
    f3: u8,
    #[update(allow)]
    f4: u8,
    #[update(allow)]
    f5: u8,
    #[update(allow)]
    f6: u8,
    #[update(allow)]
    f7: u8,
    #[update(allow)]
    f8: u8,
    #[update(allow)]
    f9: u8,
    #[update(allow)]
    f10: u8,
    #[update(allow)]
    f11: u8,
    #[update(allow)]
    f12: u8,
    #[update(allow)]
    f13: u8,
    #[update(allow)]
    f14: u8,
    #[update(allow)]
    f15: u8,
    #[update(allow)]
    f16: u8,
    #[update(allow)]
    f17: u8,
    #[update(allow)]
    f18: u8,
    #[update(allow)]
    f19: u8,
    #[update(allow)]
    f20: u8,
    #[update(allow)]
    f21: u8,
    #[update(allow)]
    f22: u8,
    #[update(allow)]
    f23: u8,
    #[update(allow)]
    f24: u8,
    #[update(allow)]
    f25: u8,
    #[update(allow)]
    f26: u8,
    #[update(allow)]
    f27: u8,
    #[update(allow)]
    f28: u8,
    #[update(allow)]
    f29: u8,
    #[update(allow)]
    f30: u8,
    #[update(allow)]
    f31: u8,
    #[update(allow)]
    f32: u8,
    #[update(allow)]
    f33: u8,
    #[update(allow)]
    f34: u8,
    #[update(allow)]
    f35: u8,
    #[update(allow)]
    f36: u8,
    #[update(allow)]
    f37: u8,
    #[update(allow)]
    f38: u8,
    #[update(allow)]
    f39: u8,
    #[update(allow)]
    f40: u8,
    #[update(allow)]
    f41: u8,
    #[update(allow)]
    f42: u8,
    #[update(allow)]
    f43: u8,
    #[update(allow)]
    f44: u8,
    #[update(allow)]
    f45: u8,
    #[update(allow)]
    f46: u8,
    #[update(allow)]
    f47: u8,
    #[update(allow)]
    f48: u8,
    #[update(allow)]
    f49: u8,
    #[update(allow)]
    f50: u8,
    #[update(allow)]
    f51: u8,
    #[update(allow)]
    f52: u8,
    #[update(allow)]
    f53: u8,
    #[update(allow)]
    f54: u8,
    #[update(allow)]
    f55: u8,
    #[update(allow)]
    f56: u8,
    #[update(allow)]
    f57: u8,
    #[update(allow)]
    f58: u8,
    #[update(allow)]
    f59: u8,
    #[update(allow)]
    f60: u8,
    #[update(allow)]
    f61: u8,
    #[update(allow)]
    f62: u8,
    #[update(allow)]
    f63: u8,
    #[update(allow)]
    f64: u8,
    #[update(allow)]
    f65: u8,
    #[update(nested)]
    inner: Inner,
}

#[derive(SafeUpdate)]
struct Inner {
    #[update(allow)]
    x: u8,
}

#[test]
fn more_than_64_fields_keep_declaration_order() {
    let mut wide = Wide {
        f0: 0,
        f1: 0,
        f2: 0,
        f3: 0,
        f4: 0,
        f5: 0,
        f6: 0,
        f7: 0,
        f8: 0,
        f9: 0,
        f10: 0,
        f11: 0,
        f12: 0,
        f13: 0,
        f14: 0,
        f15: 0,
        f16: 0,
        f17: 0,
        f18: 0,
        f19: 0,
        f20: 0,
        f21: 0,
        f22: 0,
        f23: 0,
        f24: 0,
        f25: 0,
        f26: 0,
        f27: 0,
        f28: 0,
        f29: 0,
        f30: 0,
        f31: 0,
        f32: 0,
        f33: 0,
        f34: 0,
        f35: 0,
        f36: 0,
        f37: 0,
        f38: 0,
        f39: 0,
        f40: 0,
        f41: 0,
        f42: 0,
        f43: 0,
        f44: 0,
        f45: 0,
        f46: 0,
        f47: 0,
        f48: 0,
        f49: 0,
        f50: 0,
        f51: 0,
        f52: 0,
        f53: 0,
        f54: 0,
        f55: 0,
        f56: 0,
        f57: 0,
        f58: 0,
        f59: 0,
        f60: 0,
        f61: 0,
        f62: 0,
        f63: 0,
        f64: 0,
        f65: 0,
        inner: Inner { x: 0 },
    };
    let patch: WidePatch =
        from_json(br#"{"inner":{"x":1},"f65":1,"f0":1,"f63":0,"f64":2}"#).unwrap();
    let applied = patch.apply(&mut wide).unwrap();
    let written: Vec<String> = applied.written().map(|f| f.to_string()).collect();
    assert_eq!(written, ["f0", "f63", "f64", "f65", "inner.x"]);
    assert_eq!(applied.changed_top_level(), ["f0", "f64", "f65", "inner"]);
    assert!(applied.is_changed("f64") && !applied.is_changed("f63"));
    assert_eq!((wide.f0, wide.f64, wide.f65, wide.inner.x), (1, 2, 1, 1));
}
