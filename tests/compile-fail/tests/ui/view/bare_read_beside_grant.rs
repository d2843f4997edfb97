use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[update(view)]
pub struct User {
    #[update(allow, read, read(role = "admin"))]
    pub email: String,
}

fn main() {}
