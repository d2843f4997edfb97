use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct User {
    #[update(allow)]
    #[serde(deserialize_with = "not a path")]
    pub name: String,
}

fn main() {}
