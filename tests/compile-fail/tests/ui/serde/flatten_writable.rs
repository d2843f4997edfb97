use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct Meta {
    #[update(allow)]
    pub label: String,
}

#[derive(SafeUpdate)]
pub struct User {
    #[update(allow)]
    #[serde(flatten)]
    pub meta: Meta,
}

fn main() {}
