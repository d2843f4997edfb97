use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct Address {
    #[update(allow)]
    pub city: String,
}

#[derive(SafeUpdate)]
pub struct User {
    #[update(nested, clear)]
    pub address: Address,
}

fn main() {}
