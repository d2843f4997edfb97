// A value rule sees who is asking too, so the model names the identity type its rules take.
use safe_update::SafeUpdate;

pub struct Claims {
    pub admin: bool,
}

fn only_up(_: &Claims, old: Option<&u32>, new: &u32) -> bool {
    old.map_or(true, |old| new >= old)
}

#[derive(SafeUpdate)]
pub struct Counter {
    #[update(allow(change = only_up))]
    pub value: u32,
}

fn main() {}
