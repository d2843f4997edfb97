// A model of the user's named like a standard type is still the user's model: the derive
// knows types by name only, so it asks the compiler about `Duration` as about any other name,
// and refuses `allow` on it, bare or in a collection. The standard `Duration`, written by its
// path here (or imported by `use`: tests/nested.rs), is not a model and is allowed.
use safe_update::SafeUpdate;

#[derive(PartialEq, serde::Deserialize, SafeUpdate)]
pub struct Duration {
    #[update(allow)]
    pub minutes: u32,
    #[update(server_only)]
    pub billed: bool,
}

#[derive(SafeUpdate)]
pub struct Meeting {
    #[update(allow)]
    pub timeout: std::time::Duration,
    #[update(allow)]
    pub length: Duration,
    #[update(allow)]
    pub breaks: Vec<Duration>,
}

fn main() {}
