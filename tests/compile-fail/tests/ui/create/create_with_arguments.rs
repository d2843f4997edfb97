// `create` is a bare keyword.
use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[update(create = "yes")]
pub struct User {
    #[update(allow)]
    pub name: String,
}

fn main() {}
