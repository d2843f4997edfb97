use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[update(default = allow)]
pub struct User {
    #[update(alow)]
    pub display_name: String,
    #[update(server_only, allow)]
    pub is_admin: bool,
    pub email: String,
}

fn main() {}
