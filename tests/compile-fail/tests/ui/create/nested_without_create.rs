// A nested sub-model is created through its own input, so it needs `#[update(create)]` too.
use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct Address {
    #[update(allow)]
    pub city: String,
}

#[derive(SafeUpdate)]
#[update(create)]
pub struct User {
    #[update(allow)]
    pub name: String,
    #[update(nested)]
    pub address: Address,
}

fn main() {}
