use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub enum Role {
    User,
    Admin,
}

fn main() {}
