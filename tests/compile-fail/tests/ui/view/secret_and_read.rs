use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[update(view)]
pub struct User {
    #[update(server_only, secret, read)]
    pub password_hash: String,
}

fn main() {}
