//! RFC 7396, Appendix A: every example, as the RFC gives it.
//!
//! Examples 1-8 and 13 run exactly; 15 runs where its members exist and is refused where they
//! do not (a patch creates no sub-model); 9-12 and 14 have an array original or a non-object
//! patch, which no struct can be or take.
//!
//! A model is a struct, so it can only be an object, and a patch of it an object of its
//! fields. Each example whose original and patch are objects runs here exactly as given,
//! against models that can represent its documents: a field may be absent (`None`), present
//! with a value, or present as `null` (the model keeps it, as the original document has it),
//! and `a` is a nested model where the example merges into an object. The others are listed
//! at the end with why they cannot apply, and what a patch answers instead.

use safe_update::{from_json, NoRoles, SafeUpdate};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{json, Value};

/// A present key keeps its value, `null` included: `{"e":null}` reads as `Some(Null)` (serde's
/// own `Option` would read it as absent). The patch reads through it too, and clears the
/// field on `null`, as RFC 7396 does.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

/// The schema of a `present` field: any value.
fn any_value(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::Schema::from(true)
}

/// Flat documents: every value is any JSON value.
#[derive(Debug, Default, Serialize, Deserialize, SafeUpdate)]
#[serde(default, deny_unknown_fields)]
struct Doc {
    #[update(allow, schema_with = any_value)]
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    a: Option<Value>,
    #[update(allow, schema_with = any_value)]
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    b: Option<Value>,
    #[update(allow, schema_with = any_value)]
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    c: Option<Value>,
    #[update(allow, schema_with = any_value)]
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    e: Option<Value>,
}

/// The inner object of example 7, merged into field by field.
#[derive(Debug, Default, Serialize, Deserialize, SafeUpdate)]
#[serde(default, deny_unknown_fields)]
struct Inner {
    #[update(allow, schema_with = any_value)]
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    b: Option<Value>,
    #[update(allow, schema_with = any_value)]
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    c: Option<Value>,
}

/// Example 7's documents: `a` is an object the patch merges into.
#[derive(Debug, Default, Serialize, Deserialize, SafeUpdate)]
#[serde(default, deny_unknown_fields)]
struct Outer {
    #[update(nested)]
    #[serde(skip_serializing_if = "Option::is_none")]
    a: Option<Inner>,
}

/// Reads `original` as the model, merges `patch` into it, writes it back.
fn merge<M, P>(original: &Value, patch: &Value) -> Value
where
    M: Serialize + for<'de> Deserialize<'de> + safe_update::SafeUpdate<Patch = P>,
    P: safe_update::Patch<Target = M, Identity = safe_update::AnyRoles>,
{
    let mut doc: M = serde_json::from_value(original.clone()).unwrap();
    let patch: P = from_json(patch.to_string().as_bytes()).unwrap();
    patch.apply_as(&mut doc, &NoRoles).unwrap();
    serde_json::to_value(&doc).unwrap()
}

#[test]
fn the_object_examples_as_given() {
    // Appendix A, in its order: examples 1-6, 8 and 13 (the flat ones).
    let flat = [
        (json!({"a":"b"}), json!({"a":"c"}), json!({"a":"c"})),
        (json!({"a":"b"}), json!({"b":"c"}), json!({"a":"b","b":"c"})),
        (json!({"a":"b"}), json!({"a":null}), json!({})),
        (
            json!({"a":"b","b":"c"}),
            json!({"a":null}),
            json!({"b":"c"}),
        ),
        (json!({"a":["b"]}), json!({"a":"c"}), json!({"a":"c"})),
        (json!({"a":"c"}), json!({"a":["b"]}), json!({"a":["b"]})),
        (json!({"a":[{"b":"c"}]}), json!({"a":[1]}), json!({"a":[1]})),
        (json!({"e":null}), json!({"a":1}), json!({"e":null,"a":1})),
    ];
    for (original, patch, expected) in flat {
        assert_eq!(
            merge::<Doc, DocPatch>(&original, &patch),
            expected,
            "{original} + {patch}"
        );
    }
    // Example 7: a nested object is merged into, its `null` member removed.
    assert_eq!(
        merge::<Outer, OuterPatch>(
            &json!({"a": {"b": "c"}}),
            &json!({"a": {"b": "d", "c": null}})
        ),
        json!({"a": {"b": "d"}})
    );
}

/// Example 15's documents: `{"a":{"bb":{"ccc":...}}}`.
#[derive(Debug, Default, Serialize, Deserialize, SafeUpdate)]
#[serde(default, deny_unknown_fields)]
struct Deep {
    #[update(nested)]
    #[serde(skip_serializing_if = "Option::is_none")]
    a: Option<DeepA>,
}

#[derive(Debug, Default, Serialize, Deserialize, SafeUpdate)]
#[serde(default, deny_unknown_fields)]
struct DeepA {
    #[update(nested)]
    #[serde(skip_serializing_if = "Option::is_none")]
    bb: Option<DeepB>,
}

#[derive(Debug, Default, Serialize, Deserialize, SafeUpdate)]
#[serde(default, deny_unknown_fields)]
struct DeepB {
    #[update(allow, schema_with = any_value)]
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    ccc: Option<Value>,
}

#[test]
fn example_15_creates_no_absent_sub_model() {
    // `{} + {"a":{"bb":{"ccc":null}}}` gives `{"a":{"bb":{}}}` in RFC 7396: merging into an
    // absent member starts from `{}`. A patch does not create a sub-model (a model has
    // fields a client may not set, and creating them is the server's): the object is refused,
    // naming the field, and nothing changes.
    let mut doc = Deep::default();
    let patch: DeepPatch = from_json(br#"{"a":{"bb":{"ccc":null}}}"#).unwrap();
    let error = patch.apply_as(&mut doc, &NoRoles).unwrap_err();
    assert_eq!(
        error.invalid()["a"],
        "cannot merge an object into a field that is null; an admin or the server sets it first"
    );
    assert!(doc.a.is_none());
    // Where the members exist, the example's patch merges as the RFC says.
    assert_eq!(
        merge::<Deep, DeepPatch>(
            &json!({"a":{"bb":{"ccc":1}}}),
            &json!({"a":{"bb":{"ccc":null}}})
        ),
        json!({"a":{"bb":{}}})
    );
}

#[test]
fn examples_whose_original_or_patch_is_not_an_object_do_not_apply() {
    // Examples 9-12 and 14: the original is an array ([1,2], ["a","b"]) or the patch is not an
    // object (["c","d"], ["c"], null, "bar"). A model is a struct, never an array; a patch
    // writes fields of it and never replaces it with another document, so such a patch is
    // refused as a whole, naming the document.
    for patch in [json!(["c", "d"]), json!(["c"]), json!(null), json!("bar")] {
        let error = from_json::<DocPatch>(patch.to_string().as_bytes()).unwrap_err();
        assert_eq!(
            error.invalid().keys().collect::<Vec<_>>(),
            [""],
            "{patch}: {error}"
        );
        assert_eq!(error.code(), "invalid_fields");
    }
    // Example 14's patch, on the empty object a struct would start from, gives the RFC's
    // result.
    assert_eq!(
        merge::<Doc, DocPatch>(&json!({}), &json!({"a":"b","c":null})),
        json!({"a":"b"})
    );
}
