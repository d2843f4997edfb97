use std::collections::{BTreeMap, HashMap};

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
    pub addresses: Vec<Address>,
    #[update(allow)]
    pub by_name: Option<BTreeMap<String, Address>>,
    #[update(allow)]
    pub pair: (u8, Box<Address>),
    #[update(allow(role = "admin"))]
    pub fixed: [HashMap<u8, Address>; 2],
    // Nothing to find: no model inside.
    #[update(allow)]
    pub tags: Vec<String>,
}

fn main() {}
