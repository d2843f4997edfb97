use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct Account {
    #[update(allow)]
    pub name: String,
    #[update(server_only, redact)]
    pub password_hash: String,
}

fn main() {}
