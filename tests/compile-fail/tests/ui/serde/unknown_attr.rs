use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[serde(deny_unknown_field)]
pub struct User {
    #[update(allow)]
    #[serde(renam = "n")]
    pub name: String,
}

fn main() {}
