use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct User {
    #[update(server_only, allow(role = "admin"))]
    pub is_admin: bool,
}

fn main() {}
