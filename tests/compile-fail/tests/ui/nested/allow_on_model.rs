use safe_update::SafeUpdate;

#[derive(PartialEq, serde::Deserialize, SafeUpdate)]
pub struct Address {
    #[update(allow)]
    pub city: String,
    #[update(server_only)]
    pub verified: bool,
}

#[derive(SafeUpdate)]
pub struct User {
    #[update(allow)]
    pub home: Address,
    #[update(allow)]
    pub work: Option<Address>,
}

fn main() {}
