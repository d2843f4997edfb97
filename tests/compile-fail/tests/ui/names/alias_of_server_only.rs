use safe_update::SafeUpdate;

// A writable field that answers to a server-only field's key would make it writable.
#[derive(SafeUpdate)]
pub struct User {
    #[update(server_only)]
    pub is_admin: bool,
    #[update(allow)]
    #[serde(alias = "is_admin")]
    pub admin_note: String,
}

fn main() {}
