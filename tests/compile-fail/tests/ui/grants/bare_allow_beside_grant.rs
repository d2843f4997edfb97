// A bare `allow` lets anyone write the field: a grant beside it would be dead.
use safe_update::{Roles, SafeUpdate};

pub struct Claims {
    pub name: String,
}

impl Roles for Claims {
    fn has_role(&self, _: &str) -> bool {
        false
    }
}

fn is_author(who: &Claims, article: &Article) -> bool {
    who.name == article.author
}

#[derive(SafeUpdate)]
#[update(identity = Claims)]
pub struct Article {
    #[update(server_only)]
    pub author: String,
    #[update(allow(when = is_author), allow)]
    pub title: String,
}

fn main() {}
