use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct User {
    #[update(allow)]
    #[update(allow)]
    pub display_name: String,
}

fn main() {}
