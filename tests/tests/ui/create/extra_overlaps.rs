// A create input and its extra inputs may not both write one key: which one a client meant
// would be a guess.
use safe_update::{SafeUpdate, WithExtra};

#[derive(SafeUpdate)]
#[update(create)]
pub struct User {
    #[update(allow)]
    pub name: String,
}

#[derive(SafeUpdate)]
#[update(create)]
pub struct SignUp {
    #[update(allow)]
    pub name: String,
}

fn main() {
    let _ = safe_update::from_json::<WithExtra<UserNew, SignUpNew>>(b"{}");
}
