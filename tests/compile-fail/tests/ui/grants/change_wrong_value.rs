// A value rule sees the field's old and new values (`Option<&Status>`, `&Status`), not those
// of another type.
use safe_update::{Roles, SafeUpdate};

pub struct Claims {
    pub admin: bool,
}

impl Roles for Claims {
    fn has_role(&self, _: &str) -> bool {
        false
    }
}

#[derive(serde::Deserialize, PartialEq)]
pub enum Status {
    Draft,
    Published,
}

fn may_publish(_: &Claims, old: Option<&String>, new: &String) -> bool {
    old.is_none() || new == "published"
}

#[derive(SafeUpdate)]
#[update(identity = Claims)]
pub struct Article {
    #[update(allow(change = may_publish))]
    pub status: Status,
}

fn main() {}
