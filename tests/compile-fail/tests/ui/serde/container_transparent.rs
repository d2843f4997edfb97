use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[serde(transparent)]
pub struct Name {
    #[update(allow)]
    pub value: String,
}

fn main() {}
