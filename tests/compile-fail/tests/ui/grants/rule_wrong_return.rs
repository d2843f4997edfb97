// A rule returns `bool` or `Result<(), E>` with `E: Display`; a reason given as
// `Option<String>` says nothing about which way the rule went.
use safe_update::{Roles, SafeUpdate};

pub struct Claims {
    pub name: String,
}

impl Roles for Claims {
    fn has_role(&self, _: &str) -> bool {
        false
    }
}

fn is_author(who: &Claims, article: &Article) -> Option<String> {
    (who.name != article.author).then(|| "only the author may edit".to_owned())
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
