use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct User {
    #[update(allow, schema(min_len = 1))]
    pub name: String,
    #[update(allow, schema(max_length = "64", minimum = "zero", pattern = 5))]
    pub bio: String,
    #[update(allow, schema(min_length = -1, min_length = 2, min_length = 3))]
    pub nick: String,
    #[update(server_only, schema(minimum = 1))]
    pub id: u64,
}

fn main() {}
