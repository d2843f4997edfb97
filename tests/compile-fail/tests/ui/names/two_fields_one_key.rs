use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct User {
    #[update(allow)]
    #[serde(rename = "name")]
    pub display_name: String,
    #[update(allow)]
    pub name: String,
}

fn main() {}
