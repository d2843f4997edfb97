// The identity type answers the grants' roles too, so it implements `Roles` (with `false`
// when it has none).
use safe_update::SafeUpdate;

pub struct Claims {
    pub name: String,
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

fn main() {}
