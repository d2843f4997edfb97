// A condition names a function that exists.
use safe_update::{Roles, SafeUpdate};

pub struct Claims {
    pub name: String,
}

impl Roles for Claims {
    fn has_role(&self, _: &str) -> bool {
        false
    }
}

#[derive(SafeUpdate)]
#[update(identity = Claims)]
pub struct Article {
    #[update(server_only)]
    pub author: String,
    #[update(allow(when = is_autor))]
    pub title: String,
}

fn main() {}
