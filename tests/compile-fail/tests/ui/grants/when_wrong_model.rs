// A condition sees the model its field belongs to (`&Article`), not another model.
use safe_update::{Roles, SafeUpdate};

pub struct Claims {
    pub name: String,
}

impl Roles for Claims {
    fn has_role(&self, _: &str) -> bool {
        false
    }
}

pub struct Comment {
    pub author: String,
}

fn is_author(who: &Claims, comment: &Comment) -> bool {
    who.name == comment.author
}

#[derive(SafeUpdate)]
#[update(identity = Claims)]
pub struct Article {
    #[update(server_only)]
    pub author: String,
    #[update(allow(when = is_author))]
    pub title: String,
}

fn main() {}
