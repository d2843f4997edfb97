use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct User {
    #[update(allow, clear)]
    pub bio: Option<String>,
}

fn main() {}
