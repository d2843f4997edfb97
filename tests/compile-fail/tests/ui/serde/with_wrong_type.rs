use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct User {
    #[update(allow, schema_with = text_schema)]
    #[serde(deserialize_with = "read_number")]
    pub name: String,
}

fn read_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    serde::Deserialize::deserialize(d)
}

fn text_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "string" })
}

fn main() {}
