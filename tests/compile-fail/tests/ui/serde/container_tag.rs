use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[serde(tag = "type")]
pub struct User {
    #[update(allow)]
    pub name: String,
}

fn main() {}
