use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[update(create)]
pub struct User {
    #[update(server_only, create_only)]
    pub username: String,
}

fn main() {}
