use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct User {
    #[update(allow)]
    pub display_name: String,
    pub is_admin: bool,
}

fn main() {}
