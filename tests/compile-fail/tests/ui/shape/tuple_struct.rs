use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct UserId(#[update(allow)] u64);

fn main() {}
