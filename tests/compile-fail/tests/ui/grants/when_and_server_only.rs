// A server-only field is never written by a patch: no condition opens it.
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
    #[update(server_only, allow(when = is_author))]
    pub author: String,
}

fn main() {}
