use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[update(create)]
pub struct User {
    #[update(allow, create_only)]
    pub username: String,
    #[update(allow)]
    pub bio: String,
}

fn main() {
    // Set at creation only: no member of the patch, so code cannot bind it.
    let _ = UserPatch {
        username: Some("root".to_owned()),
        ..UserPatch::default()
    };
}
