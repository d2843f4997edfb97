// A model that names its identity is always written on behalf of someone: its patch has
// `apply_as(&mut model, &identity)` and no `apply`.
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
    #[update(allow(when = is_author))]
    pub title: String,
}

fn main() {
    let mut article = Article { author: "ann".into(), title: String::new() };
    let _ = ArticlePatch::default().apply(&mut article);
}
