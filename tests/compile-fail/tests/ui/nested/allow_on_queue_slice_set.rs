// Every collection is peeled to the types it holds, whatever its name: a queue, a boxed slice,
// and sets of models are refused like a `Vec` of them (allow_on_collection.rs).
use std::collections::{BTreeSet, HashSet, VecDeque};

use safe_update::SafeUpdate;

#[derive(PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize, SafeUpdate)]
pub struct Address {
    #[update(allow)]
    pub city: String,
    #[update(server_only)]
    pub verified: bool,
}

#[derive(SafeUpdate)]
pub struct User {
    #[update(allow)]
    pub queue: VecDeque<Address>,
    #[update(allow)]
    pub slice: Box<[Address]>,
    #[update(allow)]
    pub hashed: HashSet<Address>,
    #[update(allow)]
    pub sorted: Option<BTreeSet<Address>>,
    #[update(allow)]
    pub by_path: std::collections::HashSet<Address>,
    // Nothing to find: the same collections of a type that is not a model.
    #[update(allow)]
    pub tags: (VecDeque<String>, Box<[u8]>, HashSet<u8>, BTreeSet<char>),
}

fn main() {}
