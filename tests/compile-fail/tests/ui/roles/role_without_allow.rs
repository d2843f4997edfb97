use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct User {
    #[update(role = "admin")]
    pub is_admin: bool,
}

fn main() {}
