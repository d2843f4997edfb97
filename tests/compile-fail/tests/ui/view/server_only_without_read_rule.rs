use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[update(view)]
pub struct User {
    #[update(allow)]
    pub name: String,
    // In a model with views, a server-only field says who may read it.
    #[update(server_only)]
    pub password_hash: String,
}

fn main() {}
