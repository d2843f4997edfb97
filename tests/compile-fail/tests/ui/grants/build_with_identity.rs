// A model that names its identity is created on behalf of someone too: its input has
// `build_as(server_fields, &identity)` and no `build`.
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
#[update(identity = Claims, create)]
pub struct Article {
    #[update(server_only)]
    pub author: String,
    #[update(allow(when = is_author))]
    pub title: String,
}

fn main() {
    let new: ArticleNew = safe_update::from_json(br#"{"title":"Hi"}"#).unwrap();
    let _ = new.build(ArticleServerFields { author: "ann".into() });
}
