use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[update(crate = "::no_such_crate")]
pub struct Account {
    #[update(allow)]
    pub name: String,
}

fn main() {}
