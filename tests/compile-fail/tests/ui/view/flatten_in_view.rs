use std::collections::BTreeMap;

use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[update(view)]
pub struct User {
    #[update(allow)]
    pub name: String,
    #[update(server_only, read)]
    #[serde(flatten)]
    pub extra: BTreeMap<String, String>,
}

fn main() {}
