// `apply_as` takes the identity the model names; the role list a roles-only model accepts, or
// another user type, does not do.
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
    let roles: Vec<String> = vec!["admin".into()];
    let _ = ArticlePatch::default().apply_as(&mut article, &roles);
}
