use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct User {
    #[update(allow)]
    pub display_name: String,
    #[update(allow(role = "admin"))]
    pub is_admin: bool,
}

fn main() {
    let mut user = User { display_name: String::new(), is_admin: false };
    let patch = UserPatch::default();
    let _ = patch.apply(&mut user);
}
