// A server-only field is given by the server, never defaulted for the client.
use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[update(create)]
pub struct User {
    #[update(allow)]
    pub name: String,
    #[update(server_only, create_default)]
    pub is_admin: bool,
}

fn main() {}
