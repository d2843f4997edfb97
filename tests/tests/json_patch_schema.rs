//! `JsonPatchSchema`: the operations a JSON Patch may hold, enumerated from the model's fields;
//! what it admits is applied unless the stored model says otherwise (409), and what a document
//! may never do it refuses.

use safe_update::{JsonPatch, JsonPatchError, JsonPatchSchema, NoRoles, SafeUpdate};
use serde_json::{json, Value};

/// Two names of one schema, a list, an optional note, a server-only id and a secret.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[update(view(server_only = read))]
struct Card {
    #[update(server_only)]
    id: u64,
    #[update(allow)]
    first: String,
    #[update(allow)]
    last: String,
    #[update(allow)]
    note: Option<String>,
    #[update(allow)]
    tags: Vec<String>,
    #[update(server_only, secret)]
    token: String,
}

fn card() -> Card {
    Card {
        id: 1,
        first: "Ada".into(),
        last: "Lovelace".into(),
        note: Some("n".into()),
        tags: vec!["x".into()],
        token: "t".into(),
    }
}

fn schema() -> Value {
    let mut generator = schemars::SchemaGenerator::default();
    let schema = generator.subschema_for::<JsonPatchSchema<CardPatch>>();
    let mut root = generator.definitions().clone();
    let name = schema
        .get("$ref")
        .and_then(Value::as_str)
        .map(|reference| reference.rsplit('/').next().unwrap().to_owned());
    match name {
        Some(name) => {
            let mut document = root.remove(&name).unwrap();
            document["$defs"] = Value::Object(root);
            document
        }
        None => schema.to_value(),
    }
}

fn apply(operations: &Value) -> Result<Card, JsonPatchError> {
    let mut model = card();
    JsonPatch::<CardPatch>::from_json(&serde_json::to_vec(operations).unwrap())?
        .apply_as(&mut model, &NoRoles)?;
    Ok(model)
}

#[test]
fn what_the_schema_admits_is_applied_or_refused_only_for_what_is_stored() {
    let schema = schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for (document, applied) in [
        (
            json!([{"op": "replace", "path": "/first", "value": "Ada"}]),
            true,
        ),
        (
            json!([{"op": "copy", "from": "/last", "path": "/first"}]),
            true,
        ),
        (
            json!([{"op": "add", "path": "/tags/-", "value": "y"}]),
            true,
        ),
        (
            json!([{"op": "replace", "path": "/tags/0", "value": "z"}]),
            true,
        ),
        (json!([{"op": "remove", "path": "/note"}]), true),
        (json!([{"op": "test", "path": "/id", "value": 1}]), true),
        // Valid, and refused for what the card holds.
        (json!([{"op": "test", "path": "/id", "value": 2}]), false),
        (json!([{"op": "remove", "path": "/tags/3"}]), false),
    ] {
        assert!(validator.is_valid(&document), "{document}");
        match apply(&document) {
            Ok(_) => assert!(applied, "{document}"),
            Err(error) => {
                assert!(!applied, "{document}: {error:?}");
                assert_eq!(error.kind().status(), 409, "{document}: {error:?}");
            }
        }
    }
}

#[test]
fn what_a_document_may_never_do_the_schema_refuses() {
    let validator = jsonschema::validator_for(&schema()).unwrap();
    for document in [
        json!([{"op": "test", "path": "/token", "value": "t"}]),
        json!([{"op": "copy", "from": "/token", "path": "/first"}]),
        json!([{"op": "replace", "path": "/id", "value": 2}]),
        json!([{"op": "remove", "path": "/first"}]),
        json!([{"op": "replace", "path": "/first", "value": 5}]),
        json!([{"op": "copy", "from": "/id", "path": "/first"}]),
        json!([{"op": "move", "from": "/last", "path": "/first"}]),
        json!([{"op": "add", "path": "/tags/01", "value": "y"}]),
        json!([{"op": "remove", "path": ""}]),
        json!({"op": "remove", "path": "/note"}),
    ] {
        assert!(!validator.is_valid(&document), "{document}");
        assert!(apply(&document).is_err(), "{document}");
    }
    assert!(
        !schema().to_string().contains("token"),
        "the secret is named"
    );
}
