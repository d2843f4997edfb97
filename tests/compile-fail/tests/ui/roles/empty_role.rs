use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct User {
    #[update(allow(role = ""))]
    pub is_admin: bool,
}

fn main() {}
