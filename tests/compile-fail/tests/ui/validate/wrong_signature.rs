use safe_update::SafeUpdate;

fn takes_a_number(_: &u32) -> Result<(), String> {
    Ok(())
}

#[derive(SafeUpdate)]
pub struct User {
    #[update(allow, validate = takes_a_number)]
    pub display_name: String,
}

fn main() {}
