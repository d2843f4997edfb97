use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct User {
    #[update(alow)]
    pub display_name: String,
}

fn main() {}
