use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct User {
    #[update(allow)]
    #[serde(skip)]
    pub cache: String,
    #[update(allow(role = "admin"))]
    #[serde(skip_deserializing)]
    pub score: u32,
    // Harmless on a server-only field: a patch never reads it.
    #[update(server_only)]
    #[serde(skip)]
    pub id: u64,
}

fn main() {}
