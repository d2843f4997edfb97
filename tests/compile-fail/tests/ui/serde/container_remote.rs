use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[serde(remote = "other::Duration")]
pub struct DurationDef {
    #[update(allow)]
    pub secs: u64,
}

fn main() {}
