// The struct of server-only fields has no `Default`: no field can be left to a zero value.
use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[update(create)]
pub struct User {
    #[update(allow)]
    pub name: String,
    #[update(server_only)]
    pub is_admin: bool,
}

fn main() {
    let new: UserNew = safe_update::from_json(br#"{"name":"eve"}"#).unwrap();
    let _ = new.build(Default::default());
}
