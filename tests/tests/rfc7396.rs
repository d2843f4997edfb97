//! The RFC 7396 Appendix A vectors that apply to a struct (object patches of an object).

use safe_update::{from_json, SafeUpdate};
use serde::Serialize;
use serde_json::{json, Value};

#[derive(Debug, Default, Serialize, serde::Deserialize, SafeUpdate)]
struct Doc {
    #[update(allow)]
    #[serde(skip_serializing_if = "Option::is_none")]
    a: Option<Value>,
    #[update(allow)]
    #[serde(skip_serializing_if = "Option::is_none")]
    b: Option<Value>,
    #[update(allow)]
    #[serde(skip_serializing_if = "Option::is_none")]
    c: Option<Value>,
    #[update(allow)]
    #[serde(skip_serializing_if = "Option::is_none")]
    e: Option<Value>,
}

fn merge(original: &Value, patch: &Value) -> Value {
    let mut doc: Doc = serde_json::from_value(original.clone()).unwrap();
    let patch: DocPatch = from_json(patch.to_string().as_bytes()).unwrap();
    patch.apply(&mut doc).unwrap();
    serde_json::to_value(&doc).unwrap()
}

#[test]
fn appendix_a_object_vectors() {
    let vectors = [
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
        (json!({"e":null}), json!({"a":1}), json!({"a":1})),
    ];
    for (original, patch, expected) in vectors {
        assert_eq!(merge(&original, &patch), expected, "{original} + {patch}");
    }
}

#[test]
fn appendix_a_non_object_patches_are_refused() {
    // A patch updates fields of a model; it never replaces the model with another document.
    for patch in [json!(["c", "d"]), json!(["c"]), json!(null), json!("bar")] {
        let error = from_json::<DocPatch>(patch.to_string().as_bytes()).unwrap_err();
        assert!(error.invalid().contains_key(""), "{patch}: {error}");
    }
}
