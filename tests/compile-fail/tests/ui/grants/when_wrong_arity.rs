// A condition takes two arguments, the identity and the model; one that takes the identity
// alone is refused where it is named.
use safe_update::{Roles, SafeUpdate};

pub struct Claims {
    pub name: String,
    pub editor: bool,
}

impl Roles for Claims {
    fn has_role(&self, _: &str) -> bool {
        false
    }
}

fn is_editor(who: &Claims) -> bool {
    who.editor
}

#[derive(SafeUpdate)]
#[update(identity = Claims)]
pub struct Article {
    #[update(allow(when = is_editor))]
    pub title: String,
}

fn main() {}
