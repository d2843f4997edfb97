use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct User {
    #[update(allow(role = "admin", role = "admin"))]
    pub is_admin: bool,
}

fn main() {}
