use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct User {
    #[update(allow, validate = no_such_check)]
    pub display_name: String,
}

fn main() {}
