//! With the feature `utoipa`, a patch type is a `utoipa::ToSchema` whose schema is the one
//! `schemars` gives (`schema.rs` checks that one against the parser), nested patches included
//! as components, so an application's OpenAPI document describes patches without a
//! hand-written schema.

use safe_update::SafeUpdate;
use serde_json::{json, Value};
use utoipa::OpenApi;

// Local models: the component names and keywords asserted here are these models'.
#[derive(Debug, Clone, PartialEq, SafeUpdate)]
struct Address {
    #[update(allow)]
    street: String,
    #[update(server_only)]
    verified: bool,
}

#[derive(Debug, Clone, PartialEq, SafeUpdate)]
#[serde(rename_all = "camelCase")]
struct User {
    #[update(server_only)]
    id: u64,
    #[serde(alias = "name")]
    #[update(allow, schema(min_length = 1, max_length = 64))]
    display_name: String,
    #[update(allow)]
    bio: Option<String>,
    #[update(allow(role = "admin"))]
    is_admin: bool,
    #[update(nested)]
    home: Option<Address>,
}

#[derive(OpenApi)]
#[openapi(components(schemas(UserPatch)))]
struct Api;

#[test]
fn the_openapi_component_is_the_json_schema() {
    let document = serde_json::to_value(Api::openapi()).unwrap();
    let components = &document["components"]["schemas"];

    // The same schema as schemars's, with the nested patch's reference moved to where OpenAPI
    // keeps schemas; `$schema` and `title` belong to a root document, not to a component.
    let mut expected = serde_json::to_value(schemars::schema_for!(UserPatch)).unwrap();
    let definitions = expected.as_object_mut().unwrap().remove("$defs").unwrap();
    expected.as_object_mut().unwrap().remove("$schema");
    expected.as_object_mut().unwrap().remove("title");
    let expected = rewrite_refs(expected);
    assert_eq!(components["UserPatch"], expected);
    assert_eq!(
        components["UserPatch"]["properties"]["home"],
        json!({"$ref": "#/components/schemas/AddressPatch"})
    );

    // Every schema it refers to is a component too, the same as schemars's definition.
    assert_eq!(
        components["AddressPatch"],
        rewrite_refs(definitions["AddressPatch"].clone())
    );
    // What the JSON Schema says survives utoipa's types: keywords utoipa has no field for.
    assert_eq!(
        components["UserPatch"]["allOf"],
        json!([{"not": {"required": ["displayName", "name"]}}])
    );
    assert_eq!(components["UserPatch"]["additionalProperties"], false);
    assert_eq!(
        components["UserPatch"]["properties"]["isAdmin"]["x-safe-update-roles"],
        json!(["admin"])
    );
}

fn rewrite_refs(value: Value) -> Value {
    let text = serde_json::to_string(&value)
        .unwrap()
        .replace("#/$defs/", "#/components/schemas/");
    serde_json::from_str(&text).unwrap()
}
