// A condition sees who is asking, so the model names the identity type its rules take.
use safe_update::SafeUpdate;

pub struct Claims {
    pub name: String,
}

fn is_author(who: &Claims, article: &Article) -> bool {
    who.name == article.author
}

#[derive(SafeUpdate)]
pub struct Article {
    #[update(server_only)]
    pub author: String,
    #[update(allow(when = is_author))]
    pub title: String,
}

fn main() {}
