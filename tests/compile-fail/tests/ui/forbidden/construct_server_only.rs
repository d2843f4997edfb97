use safe_update::SafeUpdate;

#[derive(SafeUpdate, Default)]
pub struct User {
    #[update(server_only)]
    pub id: u64,
    #[update(allow)]
    pub display_name: String,
    #[update(server_only)]
    pub is_admin: bool,
}

fn main() {
    let _patch = UserPatch {
        is_admin: Some(true),
        ..Default::default()
    };
}
