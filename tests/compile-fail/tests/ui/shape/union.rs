use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub union Bits {
    int: u32,
    float: f32,
}

fn main() {}
