use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[serde(try_from = "RawUser")]
pub struct User {
    #[update(allow)]
    pub name: String,
}

#[derive(SafeUpdate)]
#[serde(from = "RawUser")]
pub struct Account {
    #[update(allow)]
    pub name: String,
}

pub struct RawUser;

fn main() {}
