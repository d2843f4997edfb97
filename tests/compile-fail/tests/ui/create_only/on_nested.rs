use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[update(create)]
pub struct Address {
    #[update(allow)]
    pub city: String,
}

#[derive(SafeUpdate)]
#[update(create)]
pub struct User {
    #[update(nested, create_only)]
    pub address: Address,
}

fn main() {}
