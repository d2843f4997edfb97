// An input with a role-gated field cannot be built without an identity.
use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[update(create)]
pub struct User {
    #[update(allow)]
    pub name: String,
    #[update(allow(role = "admin"), create_default)]
    pub is_admin: bool,
}

fn main() {
    let new: UserNew = safe_update::from_json(br#"{"name":"eve","is_admin":true}"#).unwrap();
    let _ = new.build(UserServerFields {});
}
