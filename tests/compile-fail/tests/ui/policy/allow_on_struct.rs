use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[update(allow)]
pub struct User {
    #[update(allow)]
    pub name: String,
}

fn main() {}
