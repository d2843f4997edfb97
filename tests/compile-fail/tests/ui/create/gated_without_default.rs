// A role-gated field may be left out by a sender without the role, so it needs a creation
// default.
use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[update(create)]
pub struct User {
    #[update(allow)]
    pub name: String,
    #[update(allow(role = "admin"))]
    pub is_admin: bool,
}

fn main() {}
