use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[update(crate = "not a path")]
pub struct User {
    #[update(allow)]
    pub name: String,
}

fn main() {}
