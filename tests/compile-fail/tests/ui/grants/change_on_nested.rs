// A nested field merges a patch into its sub-model: there is no whole new value for a value
// rule to judge.
use safe_update::{Roles, SafeUpdate};

pub struct Claims {
    pub name: String,
}

impl Roles for Claims {
    fn has_role(&self, _: &str) -> bool {
        false
    }
}

#[derive(SafeUpdate)]
pub struct Address {
    #[update(allow)]
    pub city: String,
}

fn same_city(_: &Claims, _: Option<&Address>, _: &Address) -> bool {
    true
}

#[derive(SafeUpdate)]
#[update(identity = Claims)]
pub struct User {
    #[update(nested, allow(change = same_city))]
    pub address: Address,
}

fn main() {}
