// Every server-only field must be given: forgetting `created_at` is a compile error, not a
// zero value.
use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[update(create)]
pub struct User {
    #[update(allow)]
    pub name: String,
    #[update(server_only)]
    pub id: u64,
    #[update(server_only)]
    pub created_at: String,
}

fn main() {
    let new: UserNew = safe_update::from_json(br#"{"name":"eve"}"#).unwrap();
    let _ = new.build(UserServerFields { id: 1 });
}
