// A JSON Patch of one model's patch type cannot be applied to another model.
use safe_update::{JsonPatch, NoRoles, SafeUpdate};

#[derive(SafeUpdate)]
#[update(view)]
struct Profile {
    #[update(allow)]
    bio: String,
}

#[derive(SafeUpdate)]
#[update(view)]
struct Account {
    #[update(allow)]
    bio: String,
}

fn main() {
    let mut account = Account { bio: String::new() };
    let document = JsonPatch::<ProfilePatch>::from_json(b"[]").unwrap();
    let _ = document.apply_as(&mut account, &NoRoles);
}
