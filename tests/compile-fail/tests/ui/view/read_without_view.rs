use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct User {
    #[update(allow, read(role = "admin"))]
    pub email: String,
    #[update(server_only, secret)]
    pub password_hash: String,
}

fn main() {}
