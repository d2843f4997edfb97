use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct User {
    #[update(allow, server_only)]
    pub is_admin: bool,
}

fn main() {}
