// A server-only field is not a member of the create input: setting `is_admin` in its literal
// does not compile.
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
    let _ = UserNew {
        name: "eve".to_owned(),
        is_admin: true,
    };
}
