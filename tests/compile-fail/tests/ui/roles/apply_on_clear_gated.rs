use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct Address {
    #[update(allow)]
    pub city: String,
}

#[derive(SafeUpdate)]
pub struct User {
    #[update(nested, clear(role = "admin"))]
    pub billing: Option<Address>,
}

fn main() {
    let mut user = User { billing: None };
    let _ = UserPatch::default().apply(&mut user);
}
