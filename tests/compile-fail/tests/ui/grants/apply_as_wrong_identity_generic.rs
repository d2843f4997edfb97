// Through the `Patch` trait (generic code), a model that names its identity is applied on
// behalf of that identity only.
use safe_update::{Patch, Roles, SafeUpdate};

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
    let _ = Patch::apply_as(ArticlePatch::default(), &mut article, &safe_update::NoRoles);
}
