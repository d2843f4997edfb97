// `create_default` means nothing without `#[update(create)]`.
use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct User {
    #[update(allow, create_default = 18)]
    pub age: u8,
}

fn main() {}
