use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[update(name = "User Patch")]
pub struct User {
    #[update(allow)]
    pub display_name: String,
}

fn main() {}
