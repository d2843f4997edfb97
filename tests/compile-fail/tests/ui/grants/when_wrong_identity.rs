// A condition takes the identity the model names (`&Claims`), not another type.
use safe_update::{Roles, SafeUpdate};

pub struct Claims {
    pub name: String,
}

impl Roles for Claims {
    fn has_role(&self, _: &str) -> bool {
        false
    }
}

pub struct Session {
    pub user: String,
}

fn is_author(who: &Session, article: &Article) -> bool {
    who.user == article.author
}

#[derive(SafeUpdate)]
#[update(identity = Claims, create)]
pub struct Article {
    #[update(server_only)]
    pub author: String,
    #[update(allow(when = is_author))]
    pub title: String,
}

fn main() {}
