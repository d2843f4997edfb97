//! The JSON Schema of a model's JSON Patch documents (features `json-patch` and `schemars`):
//! the operations a client may send, each pointer enumerated from the model's fields, each
//! value under the schema the merge patch gives its field, so that a document the schema
//! admits is refused only for what the stored model holds (409) or who sends it (403).

use std::marker::PhantomData;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Map, Value};

use crate::__private::PathShape;
use crate::Patch;

/// The JSON Schema of the JSON Patch documents of the patch type `P`'s model (features
/// `json-patch`, `schemars`; `utoipa::ToSchema` too with `utoipa`), for an OpenAPI document's
/// `application/json-patch+json` request body: an array of operations, each one of
///
/// - `add` or `replace` of a writable field, its `value` under the field's schema in the merge
///   patch (`null` only where the merge patch takes it);
/// - `remove` of a writable field that may be absent (an `Option`);
/// - for a writable list, `add` of an element at `/<list>/-` or at an index, `replace` and
///   `remove` of one at an index, the value under the element's schema (a list whose schema
///   constrains it whole, `uniqueItems`, `maxItems`, `minItems`, is offered only the
///   operations those cannot refuse: the others are taken, but their success depends on the
///   stored elements);
/// - `test` of a field a view may show, any value;
/// - `copy` from a field a view may show into a writable field whose schema is the same, and
///   `move` from such a field that may also be removed.
///
/// What it cannot promise is what depends on the stored model: a `test` that fails, a `from`
/// or `replace` target that is absent, an index past the end (409), a field behind a read
/// rule (absent for others: 409), a grant that refuses the sender (403). A nested model's
/// fields are taken in a document but not enumerated here.
pub struct JsonPatchSchema<P>(PhantomData<fn() -> P>);

impl<P: Patch + JsonSchema> JsonSchema for JsonPatchSchema<P> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("{}Operations", P::schema_name()).into()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        format!(
            "safe_update::JsonPatchSchema<{}>",
            std::any::type_name::<P>()
        )
        .into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let patch = P::json_schema(generator);
        let properties = patch
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let operations = operations::<P>(&properties);
        Schema::try_from(json!({
            "type": "array",
            "description": "A JSON Patch (RFC 6902): the operations are applied in order to the \
                model as the sender may read it, and the fields they write are checked as a \
                merge patch of them would be; all or nothing.",
            "items": {"oneOf": operations},
        }))
        .expect("an object is a schema")
    }
}

/// One schema per kind of operation and pointer.
fn operations<P: Patch>(properties: &Map<String, Value>) -> Vec<Value> {
    let fields = P::__PATHS;
    let schema_of = |wire: &str| properties.get(wire).cloned();
    let mut operations = Vec::new();
    let readable: Vec<String> = fields
        .iter()
        .filter(|field| field.shown.is_some() && !matches!(field.shape, PathShape::Nested(_)))
        .map(|field| pointer(field.wire()))
        .collect();
    if !readable.is_empty() {
        operations.push(operation(
            &["test"],
            json!({"enum": readable}),
            None,
            Some(json!({})),
        ));
    }
    for field in fields.iter().filter(|field| field.writable) {
        let Some(schema) = schema_of(field.wire()) else {
            continue;
        };
        if matches!(field.shape, PathShape::Nested(_)) {
            continue;
        }
        let at = pointer(field.wire());
        operations.push(operation(
            &["add", "replace"],
            json!({"const": at}),
            None,
            Some(schema.clone()),
        ));
        if field.optional {
            operations.push(operation(&["remove"], json!({"const": at}), None, None));
        }
        if let (PathShape::List, Some((items, whole))) = (&field.shape, list_schema(&schema)) {
            let index = json!({"type": "string", "pattern": format!("^{}/(0|[1-9][0-9]*)$", regex_escape(&at))});
            // A list whose schema constrains it whole (distinct elements, a length) can be
            // refused for an element added or replaced next to the stored ones: those
            // operations are taken but not offered; removing one is, unless a least length
            // could refuse that too.
            let constrained = |keyword: &str| whole.contains_key(keyword);
            if !["uniqueItems", "maxItems", "contains"]
                .into_iter()
                .any(constrained)
            {
                operations.push(operation(
                    &["add"],
                    json!({"const": format!("{at}/-")}),
                    None,
                    Some(items.clone()),
                ));
                operations.push(operation(
                    &["add", "replace"],
                    index.clone(),
                    None,
                    Some(items),
                ));
            }
            if !["minItems", "contains"].into_iter().any(constrained) {
                operations.push(operation(&["remove"], index, None, None));
            }
        }
        // Sources of the same schema (their descriptions aside), read by a view: copied, or
        // moved when they may be removed (a write of the source too). A source of another
        // schema could hold a value the target refuses: not offered.
        let same: Vec<_> = fields
            .iter()
            .filter(|source| {
                source.shown.is_some()
                    && !std::ptr::eq(*source, field)
                    && schema_of(source.wire()).map(undescribed)
                        == Some(undescribed(schema.clone()))
            })
            .collect();
        let copied: Vec<String> = same.iter().map(|source| pointer(source.wire())).collect();
        if !copied.is_empty() {
            operations.push(operation(
                &["copy"],
                json!({"const": at}),
                Some(json!({"enum": copied})),
                None,
            ));
        }
        let moved: Vec<String> = same
            .iter()
            .filter(|source| source.writable && source.optional)
            .map(|source| pointer(source.wire()))
            .collect();
        if !moved.is_empty() {
            operations.push(operation(
                &["move"],
                json!({"const": at}),
                Some(json!({"enum": moved})),
                None,
            ));
        }
    }
    operations
}

/// An operation object: `op` one of `ops`, `path` under `path`, and `from` or `value` when
/// given.
fn operation(ops: &[&str], path: Value, from: Option<Value>, value: Option<Value>) -> Value {
    let op = match ops {
        [op] => json!({"const": op}),
        ops => json!({"enum": ops}),
    };
    let mut properties = Map::from_iter([("op".to_owned(), op), ("path".to_owned(), path)]);
    let mut required = vec!["op", "path"];
    if let Some(from) = from {
        properties.insert("from".to_owned(), from);
        required.push("from");
    }
    if let Some(value) = value {
        properties.insert("value".to_owned(), value);
        required.push("value");
    }
    json!({"type": "object", "properties": properties, "required": required})
}

/// `schema` without the members that describe rather than constrain.
fn undescribed(mut schema: Value) -> Value {
    if let Some(members) = schema.as_object_mut() {
        for describing in ["description", "title", "examples"] {
            members.remove(describing);
        }
    }
    schema
}

/// The pointer of a top-level field: `/` and its name, `~` and `/` escaped (RFC 6901).
fn pointer(name: &str) -> String {
    format!("/{}", name.replace('~', "~0").replace('/', "~1"))
}

/// The schema of a list's elements, and the keywords of the list's own schema (the branch that
/// has `items`, when `null` is one too).
fn list_schema(schema: &Value) -> Option<(Value, Map<String, Value>)> {
    let list = match schema.get("items") {
        Some(_) => schema,
        None => schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Value::as_array)?
            .iter()
            .find(|branch| branch.get("items").is_some())?,
    };
    Some((list.get("items")?.clone(), list.as_object()?.clone()))
}

/// `text` with the characters a regular expression gives meaning to escaped.
fn regex_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(feature = "utoipa")]
impl<P: Patch + JsonSchema> utoipa::PartialSchema for JsonPatchSchema<P> {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        crate::__private::schema::openapi_schema::<Self>()
    }
}

#[cfg(feature = "utoipa")]
impl<P: Patch + JsonSchema> utoipa::ToSchema for JsonPatchSchema<P> {
    fn name() -> std::borrow::Cow<'static, str> {
        <Self as JsonSchema>::schema_name()
    }

    fn schemas(schemas: &mut crate::__private::schema::Dependencies) {
        crate::__private::schema::openapi_dependencies::<Self>(schemas);
    }
}
