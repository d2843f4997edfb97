use safe_update::SafeUpdate;

// A derive cannot see whether `Serialize` skips the secret: any impl is refused.
#[derive(serde::Serialize, SafeUpdate)]
#[update(view)]
pub struct User {
    #[update(allow)]
    pub name: String,
    #[update(server_only, secret)]
    pub password_hash: String,
}

fn main() {}
