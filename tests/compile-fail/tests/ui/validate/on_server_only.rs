use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
pub struct User {
    #[update(allow)]
    pub name: String,
    #[update(server_only, validate = positive)]
    pub id: i64,
}

fn positive(id: &i64) -> Result<(), &'static str> {
    if *id > 0 { Ok(()) } else { Err("must be positive") }
}

fn main() {}
