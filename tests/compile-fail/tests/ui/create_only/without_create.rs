use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct User {
    #[update(allow, create_only)]
    pub username: String,
}

fn main() {}
