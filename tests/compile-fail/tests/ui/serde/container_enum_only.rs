use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[serde(untagged, content = "c", rename_all_fields = "camelCase")]
#[serde(field_identifier, variant_identifier)]
pub struct User {
    #[update(allow)]
    pub name: String,
}

fn main() {}
