// A JSON Patch works on the model as its sender may read it: a model without views has no
// such reading, so its documents cannot be applied.
use safe_update::{JsonPatch, NoRoles, SafeUpdate};

#[derive(SafeUpdate)]
struct Profile {
    #[update(allow)]
    bio: String,
}

fn main() {
    let mut profile = Profile { bio: String::new() };
    let document = JsonPatch::<ProfilePatch>::from_json(b"[]").unwrap();
    let _ = document.apply_as(&mut profile, &NoRoles);
}
