//! What the generated `JsonSchema` impls call (feature `schemars`; `macros/src/expand/schema.rs`):
//! the patch's object schema, assembled field by field.

pub use schemars;
pub use serde_json::Value;
#[cfg(feature = "utoipa")]
pub use utoipa;

/// What `schema_name` and `schema_id` return (a name of our own: an error in the crate path
/// then reads as the other generators' errors, which rustc reports once).
pub type SchemaName = std::borrow::Cow<'static, str>;

use schemars::Schema;
use serde_json::Map;

/// What the derive knows of one writable field, besides its value's schema.
pub struct Field<'a> {
    /// The wire name, then every alias: each is a property, and at most one may be sent.
    pub names: &'a [&'a str],
    /// Whether the parser takes `null` (an `Option` field, or a nested one it may clear).
    pub nullable: bool,
    /// Whether a document must send it (a required field of a create input).
    pub required: bool,
    /// The roles of `allow(role = "...")`, when every grant asks for a role only: any one of
    /// them may write the field.
    pub roles: &'a [&'a str],
    /// Every grant, when one of them has a condition or a value rule (then `roles` is empty).
    pub grants: &'a [crate::policy::Grant],
    /// The roles of `clear(role = "...")`: any one of them may send `null`.
    pub clear_roles: &'a [&'a str],
    /// The keywords of `schema(...)`, added to the value's schema.
    pub keywords: &'a [(&'a str, Value)],
    /// The model field's doc comment.
    pub doc: Option<&'a str>,
}

/// A patch's schema under construction.
pub struct Object {
    description: &'static str,
    properties: Map<String, Value>,
    /// `{"not": {"required": [a, b]}}` for each two names of one field, and for a required
    /// field with several names `{"anyOf": [{"required": [a]}, {"required": [b]}]}`.
    one_name_each: Vec<Value>,
    /// The required fields that have one name.
    required: Vec<Value>,
}

impl Object {
    pub fn new(description: &'static str) -> Self {
        Object {
            description,
            properties: Map::new(),
            one_name_each: Vec::new(),
            required: Vec::new(),
        }
    }

    pub fn field(&mut self, field: Field<'_>, mut value: Schema) {
        let object = value.ensure_object();
        for (keyword, keyword_value) in field.keywords {
            object.insert((*keyword).to_owned(), keyword_value.clone());
        }
        if field.nullable {
            allow_null(&mut value);
        }
        let object = value.ensure_object();
        let mut description = field.doc.map(str::to_owned).unwrap_or_default();
        if !field.roles.is_empty() {
            object.insert("x-safe-update-roles".into(), roles(field.roles));
            sentence(&mut description, "Writable only by role", field.roles);
        }
        if !field.grants.is_empty() {
            let grants: Vec<Value> = field
                .grants
                .iter()
                .map(|grant| {
                    serde_json::json!({
                        "roles": grant.roles,
                        "when": grant.when,
                        "change": grant.change,
                    })
                })
                .collect();
            object.insert("x-safe-update-grants".into(), grants.into());
            if !description.is_empty() {
                description.push(' ');
            }
            description.push_str(
                "Writable only as one of `x-safe-update-grants` admits: a grant's role (any), \
                 conditions (`when`, on the identity and the stored model) and value rules \
                 (`change`, on the old and new values) must all admit the write.",
            );
        }
        if !field.clear_roles.is_empty() {
            object.insert("x-safe-update-clear-roles".into(), roles(field.clear_roles));
            sentence(
                &mut description,
                "`null` (clearing) only by role",
                field.clear_roles,
            );
        }
        if !description.is_empty() {
            object.insert("description".into(), description.into());
        }
        let value = value.to_value();
        match field.names {
            [name] if field.required => self.required.push((*name).into()),
            names if field.required => {
                let any: Vec<Value> = names
                    .iter()
                    .map(|name| serde_json::json!({ "required": [name] }))
                    .collect();
                self.one_name_each.push(serde_json::json!({ "anyOf": any }));
            }
            _ => {}
        }
        for (i, name) in field.names.iter().enumerate() {
            self.properties.insert((*name).to_owned(), value.clone());
            for other in &field.names[i + 1..] {
                self.one_name_each.push(serde_json::json!({
                    "not": { "required": [name, other] }
                }));
            }
        }
    }

    pub fn finish(self) -> Schema {
        let mut object = Map::new();
        object.insert("type".into(), "object".into());
        object.insert("description".into(), self.description.into());
        object.insert("properties".into(), self.properties.into());
        object.insert("additionalProperties".into(), false.into());
        if !self.required.is_empty() {
            object.insert("required".into(), self.required.into());
        }
        if !self.one_name_each.is_empty() {
            object.insert("allOf".into(), self.one_name_each.into());
        }
        Schema::from(object)
    }
}

/// The schema of a create input with extra inputs read from the same object
/// ([`WithExtra`](crate::WithExtra)): the two objects' members, required members and
/// constraints together, still no other member.
pub fn merged(mut first: Schema, second: Schema, description: String) -> Schema {
    let object = first.ensure_object();
    let Value::Object(second) = second.to_value() else {
        return first;
    };
    for (keyword, value) in second {
        match (keyword.as_str(), object.get_mut(&keyword), value) {
            ("properties", Some(Value::Object(mine)), Value::Object(theirs)) => mine.extend(theirs),
            ("required" | "allOf", Some(Value::Array(mine)), Value::Array(theirs)) => {
                mine.extend(theirs)
            }
            ("properties" | "required" | "allOf", None, value) => {
                object.insert(keyword, value);
            }
            _ => {}
        }
    }
    object.insert("description".into(), description.into());
    first
}

/// Lets `null` through as well: in `type` when that is all that decides (no `enum`, `const`
/// or subschema would still refuse it), else as a second alternative.
fn allow_null(schema: &mut Schema) {
    let object = schema.ensure_object();
    let decided_by_type = ["enum", "const", "$ref", "anyOf", "oneOf", "allOf", "not"]
        .iter()
        .all(|keyword| !object.contains_key(*keyword));
    match object.get_mut("type") {
        Some(Value::String(single)) if decided_by_type => {
            if single != "null" {
                let single = std::mem::take(single);
                object.insert("type".into(), serde_json::json!([single, "null"]));
            }
            return;
        }
        Some(Value::Array(types)) if decided_by_type => {
            if !types.iter().any(|t| t == "null") {
                types.push("null".into());
            }
            return;
        }
        _ => {}
    }
    let inner = std::mem::take(object);
    *schema = Schema::from(
        serde_json::json!({
            "anyOf": [Value::Object(inner), { "type": "null" }]
        })
        .as_object()
        .cloned()
        .unwrap_or_default(),
    );
}

fn roles(roles: &[&str]) -> Value {
    roles.iter().map(|role| Value::from(*role)).collect()
}

/// Appends "Writable only by role "a" or "b"." to `description`.
fn sentence(description: &mut String, lead: &str, roles: &[&str]) {
    let roles: Vec<String> = roles.iter().map(|role| format!("{role:?}")).collect();
    if !description.is_empty() {
        description.push(' ');
    }
    description.push_str(&format!("{lead} {}.", roles.join(" or ")));
}

/// The patch's schema for utoipa: the same document as `JsonSchema` gives, with nested
/// patches referred to under `#/components/schemas/`.
#[cfg(feature = "utoipa")]
pub fn openapi_schema<P: schemars::JsonSchema>() -> utoipa::openapi::RefOr<utoipa::openapi::Schema>
{
    let mut generator = openapi_generator();
    let schema = P::json_schema(&mut generator);
    utoipa::openapi::RefOr::T(verbatim(schema.to_value()))
}

/// What `ToSchema::schemas` fills.
#[cfg(feature = "utoipa")]
pub type Dependencies = Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::Schema>)>;

/// The schemas `P`'s schema refers to (its nested patches, at any depth), for
/// `ToSchema::schemas`.
#[cfg(feature = "utoipa")]
pub fn openapi_dependencies<P: schemars::JsonSchema>(out: &mut Dependencies) {
    let mut generator = openapi_generator();
    P::json_schema(&mut generator);
    for (name, schema) in generator.take_definitions(true) {
        out.push((name, utoipa::openapi::RefOr::T(verbatim(schema))));
    }
}

/// JSON Schema 2020-12 (OpenAPI 3.1's dialect), definitions where OpenAPI keeps them.
#[cfg(feature = "utoipa")]
fn openapi_generator() -> schemars::SchemaGenerator {
    schemars::generate::SchemaSettings::draft2020_12()
        .with(|settings| settings.definitions_path = "/components/schemas".into())
        .into_generator()
}

/// A schema object that serializes as `value` exactly. utoipa's typed `Object` has no field
/// for some keywords the patch needs (`not`, `allOf` beside `properties`) and would drop
/// them; its flattened extension map writes every member as given.
#[cfg(feature = "utoipa")]
fn verbatim(value: Value) -> utoipa::openapi::Schema {
    let mut object = utoipa::openapi::schema::Object::default();
    object.schema_type = utoipa::openapi::schema::SchemaType::AnyValue;
    let members = match value {
        Value::Object(members) => members,
        // The boolean schemas: `true` takes anything, `false` nothing.
        Value::Bool(false) => Map::from_iter([("not".to_owned(), Value::Object(Map::new()))]),
        _ => Map::new(),
    };
    object.extensions = Some(members.into_iter().collect());
    utoipa::openapi::Schema::Object(object)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn nullable(schema: Value) -> Value {
        let mut schema = Schema::try_from(schema).unwrap();
        allow_null(&mut schema);
        schema.to_value()
    }

    #[test]
    fn null_is_added_where_only_the_type_decides() {
        assert_eq!(
            nullable(json!({"type": "string", "maxLength": 3})),
            json!({"type": ["string", "null"], "maxLength": 3})
        );
        assert_eq!(
            nullable(json!({"type": ["integer", "string"]})),
            json!({"type": ["integer", "string", "null"]})
        );
        // Already nullable: unchanged.
        assert_eq!(nullable(json!({"type": "null"})), json!({"type": "null"}));
        assert_eq!(
            nullable(json!({"type": ["string", "null"]})),
            json!({"type": ["string", "null"]})
        );
        // An `enum` (or a reference, ...) would still refuse `null`: a second alternative.
        assert_eq!(
            nullable(json!({"type": "string", "enum": ["a"]})),
            json!({"anyOf": [{"type": "string", "enum": ["a"]}, {"type": "null"}]})
        );
        assert_eq!(
            nullable(json!({"$ref": "#/$defs/X"})),
            json!({"anyOf": [{"$ref": "#/$defs/X"}, {"type": "null"}]})
        );
    }
}
