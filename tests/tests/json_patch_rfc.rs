//! RFC 6902 appendix A, run as given on models shaped like each example's document: the
//! document is the model's view, the patch is applied with `JsonPatch`, and the result is the
//! view afterwards. The examples that cannot apply to a struct are run too, with the refusal
//! this crate answers them with.

use safe_update::{JsonPatch, JsonPatchError, NoRoles, Patch, SafeUpdate, SafeView};
use serde_json::{json, Value};

/// Applies `operations` to `model` as anyone, and answers with its view afterwards.
fn patched<M>(model: &mut M, operations: Value) -> Result<Value, JsonPatchError>
where
    M: SafeView + SafeUpdate,
    M::Patch: Patch<Target = M, Identity = safe_update::AnyRoles>,
{
    let body = serde_json::to_vec(&operations).unwrap();
    JsonPatch::<M::Patch>::from_json(&body)?.apply_as(model, &NoRoles)?;
    Ok(serde_json::to_value(model.view_as(&NoRoles)).unwrap())
}

/// `{"foo": "bar"}`, and `baz` when it is there.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[update(view)]
struct FooBaz {
    #[update(allow)]
    foo: String,
    #[update(allow)]
    #[serde(skip_serializing_if = "Option::is_none")]
    baz: Option<String>,
}

fn foo_bar() -> FooBaz {
    FooBaz {
        foo: "bar".into(),
        baz: None,
    }
}

fn baz_qux() -> FooBaz {
    FooBaz {
        foo: "bar".into(),
        baz: Some("qux".into()),
    }
}

/// `{"foo": [...]}`: a list of any JSON values.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[update(view)]
struct List {
    #[update(allow)]
    foo: Vec<Value>,
    #[update(allow)]
    #[serde(skip_serializing_if = "Option::is_none")]
    baz: Option<String>,
}

fn list(items: Value) -> List {
    List {
        foo: serde_json::from_value(items).unwrap(),
        baz: None,
    }
}

#[test]
fn a1_adding_an_object_member() {
    let result = patched(
        &mut foo_bar(),
        json!([{"op": "add", "path": "/baz", "value": "qux"}]),
    );
    assert_eq!(result.unwrap(), json!({"baz": "qux", "foo": "bar"}));
}

#[test]
fn a2_adding_an_array_element() {
    let mut model = list(json!(["bar", "baz"]));
    let result = patched(
        &mut model,
        json!([{"op": "add", "path": "/foo/1", "value": "qux"}]),
    );
    assert_eq!(result.unwrap(), json!({"foo": ["bar", "qux", "baz"]}));
}

#[test]
fn a3_removing_an_object_member() {
    let result = patched(&mut baz_qux(), json!([{"op": "remove", "path": "/baz"}]));
    assert_eq!(result.unwrap(), json!({"foo": "bar"}));
}

#[test]
fn a4_removing_an_array_element() {
    let mut model = list(json!(["bar", "qux", "baz"]));
    let result = patched(&mut model, json!([{"op": "remove", "path": "/foo/1"}]));
    assert_eq!(result.unwrap(), json!({"foo": ["bar", "baz"]}));
}

#[test]
fn a5_replacing_a_value() {
    let result = patched(
        &mut baz_qux(),
        json!([{"op": "replace", "path": "/baz", "value": "boo"}]),
    );
    assert_eq!(result.unwrap(), json!({"baz": "boo", "foo": "bar"}));
}

/// `foo` of A.6.
#[derive(Debug, Clone, PartialEq, serde::Serialize, SafeUpdate)]
struct Foo {
    #[update(allow)]
    bar: String,
    #[update(allow)]
    #[serde(skip_serializing_if = "Option::is_none")]
    waldo: Option<String>,
}

/// `qux` of A.6.
#[derive(Debug, Clone, PartialEq, serde::Serialize, SafeUpdate)]
struct Qux {
    #[update(allow)]
    corge: String,
    #[update(allow)]
    #[serde(skip_serializing_if = "Option::is_none")]
    thud: Option<String>,
}

/// Two nested models.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[update(view)]
struct Nested {
    #[update(nested)]
    foo: Foo,
    #[update(nested)]
    qux: Qux,
}

#[test]
fn a6_moving_a_value() {
    let mut model = Nested {
        foo: Foo {
            bar: "baz".into(),
            waldo: Some("fred".into()),
        },
        qux: Qux {
            corge: "grault".into(),
            thud: None,
        },
    };
    let result = patched(
        &mut model,
        json!([{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}]),
    );
    assert_eq!(
        result.unwrap(),
        json!({"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}})
    );
}

#[test]
fn a7_moving_an_array_element() {
    let mut model = list(json!(["all", "grass", "cows", "eat"]));
    let result = patched(
        &mut model,
        json!([{"op": "move", "from": "/foo/1", "path": "/foo/3"}]),
    );
    assert_eq!(
        result.unwrap(),
        json!({"foo": ["all", "cows", "eat", "grass"]})
    );
}

#[test]
fn a8_testing_a_value_success() {
    let mut model = List {
        foo: serde_json::from_value(json!(["a", 2, "c"])).unwrap(),
        baz: Some("qux".into()),
    };
    let before = model.clone();
    let result = patched(
        &mut model,
        json!([
            {"op": "test", "path": "/baz", "value": "qux"},
            {"op": "test", "path": "/foo/1", "value": 2}
        ]),
    );
    assert_eq!(result.unwrap(), json!({"baz": "qux", "foo": ["a", 2, "c"]}));
    assert_eq!(model, before);
}

#[test]
fn a9_testing_a_value_error() {
    let mut model = baz_qux();
    let error = patched(
        &mut model,
        json!([{"op": "test", "path": "/baz", "value": "bar"}]),
    )
    .unwrap_err();
    assert_eq!(error.code(), "operation_failed");
    assert_eq!(error.kind().status(), 409);
    assert_eq!(error.operations()[0].index, 0);
    assert_eq!(error.operations()[0].problem.code(), "test_failed");
    assert_eq!(model, baz_qux());
}

/// `{"foo": "bar"}` with a field that holds any JSON.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[update(view)]
struct WithChild {
    #[update(allow)]
    foo: String,
    #[update(allow)]
    #[serde(skip_serializing_if = "Option::is_none")]
    child: Option<Value>,
}

#[test]
fn a10_adding_a_nested_member_object() {
    let mut model = WithChild {
        foo: "bar".into(),
        child: None,
    };
    let result = patched(
        &mut model,
        json!([{"op": "add", "path": "/child", "value": {"grandchild": {}}}]),
    );
    assert_eq!(
        result.unwrap(),
        json!({"foo": "bar", "child": {"grandchild": {}}})
    );
}

#[test]
fn a11_ignoring_unrecognized_elements() {
    let result = patched(
        &mut foo_bar(),
        json!([{"op": "add", "path": "/baz", "value": "qux", "xyz": 123}]),
    );
    assert_eq!(result.unwrap(), json!({"foo": "bar", "baz": "qux"}));
}

/// A.12 cannot apply to a struct as given: `baz` is one value (a string), so a pointer inside it
/// is refused before the model is read, not at the missing parent.
#[test]
fn a12_adding_to_a_nonexistent_target_is_refused_as_not_addressable() {
    let mut model = foo_bar();
    let error = patched(
        &mut model,
        json!([{"op": "add", "path": "/baz/bat", "value": "qux"}]),
    )
    .unwrap_err();
    assert_eq!(error.code(), "operations_refused");
    assert_eq!(error.operations()[0].problem.code(), "not_addressable");
    assert_eq!(model, foo_bar());
}

#[test]
fn a13_invalid_json_patch_document() {
    let body = br#"[{"op": "add", "path": "/baz", "value": "qux", "op": "remove"}]"#;
    let error = JsonPatch::<FooBazPatch>::from_json(body).unwrap_err();
    assert_eq!(error.code(), "malformed_json_patch");
    assert_eq!(error.kind().status(), 400);
    assert!(
        matches!(
            error,
            JsonPatchError::Malformed {
                operation: Some(0),
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("duplicate field `op`"),
        "{error}"
    );
}

/// `{"/": 9, "~1": 10}`: fields whose names need escaping.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[update(view)]
struct Escaped {
    #[update(allow)]
    #[serde(rename = "/")]
    slash: i64,
    #[update(allow)]
    #[serde(rename = "~1")]
    tilde_one: i64,
}

#[test]
fn a14_escape_ordering() {
    let mut model = Escaped {
        slash: 9,
        tilde_one: 10,
    };
    let result = patched(
        &mut model,
        json!([{"op": "test", "path": "/~01", "value": 10}]),
    );
    assert_eq!(result.unwrap(), json!({"/": 9, "~1": 10}));
    // And `~1` is `/`: the other field.
    let result = patched(
        &mut model,
        json!([{"op": "replace", "path": "/~1", "value": 8}]),
    );
    assert_eq!(result.unwrap(), json!({"/": 8, "~1": 10}));
}

#[test]
fn a15_comparing_strings_and_numbers() {
    let mut model = Escaped {
        slash: 9,
        tilde_one: 10,
    };
    let error = patched(
        &mut model,
        json!([{"op": "test", "path": "/~01", "value": "10"}]),
    )
    .unwrap_err();
    assert_eq!(error.operations()[0].problem.code(), "test_failed");
}

#[test]
fn a16_adding_an_array_value() {
    let mut model = list(json!(["bar"]));
    let result = patched(
        &mut model,
        json!([{"op": "add", "path": "/foo/-", "value": ["abc", "def"]}]),
    );
    assert_eq!(result.unwrap(), json!({"foo": ["bar", ["abc", "def"]]}));
}

/// Section 4.6: numbers are equal when their values are, whatever their spelling; the
/// comparison is of the serialized value, not of a deserialized one.
#[test]
fn test_compares_numbers_by_value() {
    let mut model = Escaped {
        slash: 9,
        tilde_one: 10,
    };
    for equal in [json!(10.0), json!(10), json!(1e1)] {
        let result = patched(
            &mut model,
            json!([{"op": "test", "path": "/~01", "value": equal}]),
        );
        assert!(result.is_ok(), "{equal}: {result:?}");
    }
    for different in [json!(10.5), json!(11), json!(-10), json!(null), json!([10])] {
        let error = patched(
            &mut model,
            json!([{"op": "test", "path": "/~01", "value": different}]),
        )
        .unwrap_err();
        assert_eq!(
            error.operations()[0].problem.code(),
            "test_failed",
            "{different}"
        );
    }
}
