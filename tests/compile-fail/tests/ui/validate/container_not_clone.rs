use safe_update::SafeUpdate;

// A container validator sees the would-be result, a copy of the model: it needs `Clone`.
#[derive(SafeUpdate)]
#[update(validate = consistent)]
pub struct Range {
    #[update(allow)]
    pub low: u32,
    #[update(allow)]
    pub high: u32,
}

fn consistent(range: &Range) -> Result<(), &'static str> {
    if range.low <= range.high { Ok(()) } else { Err("low above high") }
}

fn main() {}
