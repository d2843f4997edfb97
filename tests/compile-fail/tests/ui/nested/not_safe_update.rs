use safe_update::SafeUpdate;

pub struct Address {
    pub city: String,
}

#[derive(SafeUpdate)]
pub struct User {
    #[update(nested)]
    pub address: Address,
}

fn main() {}
