use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct Buffer<const N: usize> {
    #[update(allow)]
    pub label: String,
    #[update(server_only)]
    pub data: [u8; N],
}

fn main() {}
