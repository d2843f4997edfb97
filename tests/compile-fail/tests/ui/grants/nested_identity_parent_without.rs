// A parent without an identity passes only roles to its nested models: a nested model whose
// rules take an identity needs its parent to name the same one.
use safe_update::{Roles, SafeUpdate};

pub struct Claims {
    pub name: String,
}

impl Roles for Claims {
    fn has_role(&self, _: &str) -> bool {
        false
    }
}

fn is_owner(who: &Claims, profile: &Profile) -> bool {
    who.name == profile.owner
}

#[derive(SafeUpdate)]
#[update(identity = Claims)]
pub struct Profile {
    #[update(server_only)]
    pub owner: String,
    #[update(allow(when = is_owner))]
    pub bio: String,
}

#[derive(SafeUpdate)]
pub struct Account {
    #[update(allow(role = "admin"))]
    pub plan: String,
    #[update(nested)]
    pub profile: Profile,
}

fn main() {}
