use safe_update::{Roles, SafeUpdate};

pub struct Claims;

impl Roles for Claims {
    fn has_role(&self, _: &str) -> bool {
        false
    }
}

pub struct Other;

fn is_self(_: &Claims, _: &Other) -> bool {
    true
}

#[derive(SafeUpdate)]
#[update(view, identity = Claims)]
pub struct User {
    #[update(allow, read(when = is_self))]
    pub email: String,
}

fn main() {}
