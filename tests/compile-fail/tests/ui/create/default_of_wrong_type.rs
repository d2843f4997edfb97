// A creation default is an expression of the field's type, checked where it is written.
use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[update(create)]
pub struct User {
    #[update(allow, create_default = "eighteen")]
    pub age: u8,
}

fn main() {}
