use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[update(create)]
pub struct Address {
    #[update(allow, create_only)]
    pub country: String,
    #[update(allow)]
    pub city: String,
}

#[derive(SafeUpdate)]
#[update(create)]
pub struct User {
    #[update(nested)]
    pub address: Address,
}

fn main() {}
