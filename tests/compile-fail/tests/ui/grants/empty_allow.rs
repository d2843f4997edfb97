// `allow()` says nothing: it needs a role, a condition or a value rule (or no parentheses).
use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct Article {
    #[update(allow())]
    pub title: String,
}

fn main() {}
