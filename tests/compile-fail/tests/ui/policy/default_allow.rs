use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[update(default = allow)]
pub struct User {
    pub display_name: String,
    pub is_admin: bool,
}

fn main() {}
