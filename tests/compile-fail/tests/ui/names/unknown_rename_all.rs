use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[serde(rename_all = "camelcase")]
pub struct User {
    #[update(allow)]
    pub display_name: String,
}

fn main() {}
